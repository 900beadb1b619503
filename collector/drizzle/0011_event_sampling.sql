DROP INDEX "events_fixes";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "grouped" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "kept" boolean DEFAULT true NOT NULL;--> statement-breakpoint
UPDATE "events" SET "grouped" = true WHERE "type" NOT IN ('fix_attempt', 'fix_outcome') AND NOT ("type" = 'health_check' AND coalesce("data"->>'status', '') = 'pass');
