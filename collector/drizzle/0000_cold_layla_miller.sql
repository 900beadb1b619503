CREATE TABLE "agents" (
	"project_id" text NOT NULL,
	"id" text NOT NULL,
	"agent" text NOT NULL,
	"service" text,
	"session_id" text,
	"hostname" text,
	"region" text,
	"healthy" boolean,
	"reports" integer DEFAULT 0 NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "agents_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"strategy" text NOT NULL,
	"source" text NOT NULL,
	"confidence" double precision NOT NULL,
	"reasoning" text NOT NULL,
	"estimated_impact" text NOT NULL,
	"rollback_plan" text NOT NULL,
	"developer_fix" text,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"project_id" text NOT NULL,
	"id" text NOT NULL,
	"report_id" text NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"fingerprint" text NOT NULL,
	"message" text,
	"stack" text,
	"url" text,
	"data" jsonb,
	"agent" text NOT NULL,
	"service" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "events_project_id_id_pk" PRIMARY KEY("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "issues" (
	"project_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"count" integer NOT NULL,
	"service" text,
	"url" text,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "issues_project_id_fingerprint_pk" PRIMARY KEY("project_id","fingerprint")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key" text NOT NULL,
	"allowed_origins" jsonb DEFAULT '["*"]' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"agent" text NOT NULL,
	"service" text,
	"session_id" text,
	"hostname" text,
	"region" text,
	"url" text,
	"event_count" integer NOT NULL,
	"fault_count" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "agents_by_last_seen" ON "agents" USING btree ("last_seen");--> statement-breakpoint
CREATE INDEX "decisions_recent" ON "decisions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "events_by_fingerprint" ON "events" USING btree ("fingerprint","received_at");--> statement-breakpoint
CREATE INDEX "events_fixes" ON "events" USING btree ("type","received_at") WHERE "events"."type" in ('fix_attempt', 'fix_outcome');--> statement-breakpoint
CREATE INDEX "issues_by_count" ON "issues" USING btree ("count");--> statement-breakpoint
CREATE INDEX "issues_by_last_seen" ON "issues" USING btree ("last_seen");--> statement-breakpoint
CREATE INDEX "reports_recent" ON "reports" USING btree ("received_at");