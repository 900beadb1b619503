CREATE TABLE "service_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"service" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "service_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
ALTER TABLE "projects" DROP CONSTRAINT "projects_key_unique";--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "key_hash" text;--> statement-breakpoint
UPDATE "projects" SET "key_hash" = encode(sha256(convert_to("key", 'UTF8')), 'hex');--> statement-breakpoint
ALTER TABLE "projects" ALTER COLUMN "key_hash" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "outcomes" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "outcomes" ADD COLUMN "may_hold" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "service_keys" ADD CONSTRAINT "service_keys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_keys_by_service" ON "service_keys" USING btree ("project_id","service");--> statement-breakpoint
CREATE INDEX "outcomes_by_session" ON "outcomes" USING btree ("project_id","session_id","reported_at") WHERE "outcomes"."session_id" is not null;--> statement-breakpoint
ALTER TABLE "projects" DROP COLUMN "key";--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_key_hash_unique" UNIQUE("key_hash");