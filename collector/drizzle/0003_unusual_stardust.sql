CREATE TABLE "commands" (
	"id" text PRIMARY KEY NOT NULL,
	"decision_id" text NOT NULL,
	"project_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"target" text NOT NULL,
	"service" text,
	"strategy" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rollback" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"deliveries" integer DEFAULT 0 NOT NULL,
	"agent_id" text,
	"reason" text,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "decision_claims" (
	"project_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"instance" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "decision_claims_project_id_fingerprint_pk" PRIMARY KEY("project_id","fingerprint")
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"decision_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "knowledge" (
	"project_id" text NOT NULL,
	"pattern_type" text NOT NULL,
	"pattern" text NOT NULL,
	"strategy" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"successes" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"blocked_until" timestamp with time zone,
	"cooldown_until" timestamp with time zone,
	"backoff_ms" integer DEFAULT 0 NOT NULL,
	"last_outcome" text,
	"last_outcome_at" timestamp with time zone,
	"developer_fix" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "knowledge_project_id_pattern_type_pattern_strategy_pk" PRIMARY KEY("project_id","pattern_type","pattern","strategy")
);
--> statement-breakpoint
CREATE TABLE "llm_usage" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"decision_id" text,
	"fingerprint" text NOT NULL,
	"model" text NOT NULL,
	"prompt_tokens" integer NOT NULL,
	"completion_tokens" integer NOT NULL,
	"cost_usd" double precision NOT NULL,
	"cached" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outcomes" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"event_id" text NOT NULL,
	"decision_id" text,
	"command_id" text,
	"fingerprint" text NOT NULL,
	"kind" text NOT NULL,
	"strategy" text NOT NULL,
	"service" text,
	"local" boolean NOT NULL,
	"reported_success" boolean NOT NULL,
	"status" text NOT NULL,
	"success" boolean,
	"verified_by" text,
	"detail" text,
	"reported_at" timestamp with time zone NOT NULL,
	"verify_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"error_rate_before" double precision,
	"error_rate_after" double precision
);
--> statement-breakpoint
DROP INDEX "decisions_recent";--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "kind" text NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "target" text NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "service" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "params" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "trigger" text NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "model_confidence" double precision;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "risk_level" text NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "notes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "auto_applied" boolean NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "updated_at" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "expires_at" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_claims" ADD CONSTRAINT "decision_claims_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge" ADD CONSTRAINT "knowledge_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_usage" ADD CONSTRAINT "llm_usage_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_usage" ADD CONSTRAINT "llm_usage_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcomes" ADD CONSTRAINT "outcomes_command_id_commands_id_fk" FOREIGN KEY ("command_id") REFERENCES "public"."commands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commands_waiting" ON "commands" USING btree ("project_id","service","issued_at") WHERE "commands"."status" in ('queued', 'delivered');--> statement-breakpoint
CREATE INDEX "commands_for_pages" ON "commands" USING btree ("project_id","fingerprint") WHERE "commands"."target" = 'page' and "commands"."status" in ('queued', 'delivered');--> statement-breakpoint
CREATE INDEX "commands_by_decision" ON "commands" USING btree ("decision_id");--> statement-breakpoint
CREATE INDEX "escalations_by_fingerprint" ON "escalations" USING btree ("project_id","fingerprint","created_at");--> statement-breakpoint
CREATE INDEX "escalations_recent" ON "escalations" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "llm_usage_recent" ON "llm_usage" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outcomes_by_event" ON "outcomes" USING btree ("project_id","event_id");--> statement-breakpoint
CREATE INDEX "outcomes_due" ON "outcomes" USING btree ("verify_at") WHERE "outcomes"."status" = 'verifying';--> statement-breakpoint
CREATE INDEX "outcomes_recent" ON "outcomes" USING btree ("project_id","verified_at");--> statement-breakpoint
CREATE INDEX "outcomes_by_decision" ON "outcomes" USING btree ("decision_id");--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "decisions_by_fingerprint" ON "decisions" USING btree ("project_id","fingerprint","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "decisions_one_open" ON "decisions" USING btree ("project_id","fingerprint") WHERE "decisions"."status" in ('pending', 'approved', 'dispatched', 'recorded');--> statement-breakpoint
CREATE INDEX "decisions_recent" ON "decisions" USING btree ("project_id","created_at");