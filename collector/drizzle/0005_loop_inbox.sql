CREATE TABLE "loop_inbox" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "loop_inbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"agent" text NOT NULL,
	"service" text,
	"session_id" text,
	"fingerprint" text NOT NULL,
	"severity" text NOT NULL,
	"data" jsonb,
	"received_at" timestamp with time zone NOT NULL
);
