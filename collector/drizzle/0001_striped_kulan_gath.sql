CREATE TABLE "agent_deltas" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "agent_deltas_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" text NOT NULL,
	"id" text NOT NULL,
	"agent" text NOT NULL,
	"service" text,
	"session_id" text,
	"hostname" text,
	"region" text,
	"healthy" boolean,
	"reports" integer NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issue_deltas" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "issue_deltas_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"service" text,
	"url" text,
	"count" integer NOT NULL,
	"seen_at" timestamp with time zone NOT NULL
);
