ALTER TABLE "issues" ADD COLUMN "services" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
UPDATE "issues" SET "services" = ARRAY["service"] WHERE "service" IS NOT NULL;
