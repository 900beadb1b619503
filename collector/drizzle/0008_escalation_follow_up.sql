ALTER TABLE "escalations" ADD COLUMN "kind" text DEFAULT 'decision' NOT NULL;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "outcome_id" text;--> statement-breakpoint
CREATE INDEX "escalations_by_decision" ON "escalations" USING btree ("decision_id");