DROP INDEX "events_by_fingerprint";--> statement-breakpoint
CREATE INDEX "events_by_fingerprint" ON "events" USING btree ("project_id","fingerprint","received_at");