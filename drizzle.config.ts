import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.ts",
  out: process.env.DRIZZLE_OUT ?? "./db/migrations",
  dbCredentials: { url: process.env.DATA_DIR ? `${process.env.DATA_DIR}/db.sqlite` : "./data/db.sqlite" },
});
