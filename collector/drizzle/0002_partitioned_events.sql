-- Events become a table partitioned by day of occurred_at, so retention drops whole days.
-- Rows already stored go to the default partition; the retention pass moves each day it
-- keeps into that day's own partition.
ALTER TABLE "events" RENAME TO "events_unpartitioned";--> statement-breakpoint
ALTER TABLE "events_unpartitioned" RENAME CONSTRAINT "events_project_id_id_pk" TO "events_unpartitioned_pk";--> statement-breakpoint
ALTER INDEX "events_by_fingerprint" RENAME TO "events_unpartitioned_by_fingerprint";--> statement-breakpoint
ALTER INDEX "events_fixes" RENAME TO "events_unpartitioned_fixes";--> statement-breakpoint
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
	CONSTRAINT "events_project_id_id_occurred_at_pk" PRIMARY KEY("project_id","id","occurred_at")
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
CREATE INDEX "events_by_fingerprint" ON "events" USING btree ("fingerprint","received_at");--> statement-breakpoint
CREATE INDEX "events_fixes" ON "events" USING btree ("type","received_at") WHERE "events"."type" in ('fix_attempt', 'fix_outcome');--> statement-breakpoint
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;--> statement-breakpoint
INSERT INTO "events" SELECT * FROM "events_unpartitioned";--> statement-breakpoint
DROP TABLE "events_unpartitioned";
