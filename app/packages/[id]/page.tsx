// GET /packages/{id}: the package page at its latest version (see lib/packages/package-page.ts).
import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { PackageView } from "@/components/packages/package-view";
import { db } from "@/lib/db";
import { viewPackagePage } from "@/lib/packages/package-page";
import { appOrigin } from "@/lib/request-context";
import { getOptionalUser } from "@/lib/session";
import { decodeSegment } from "./segment";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: decodeSegment((await params).id) };
}

export default async function PackagePage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, viewer] = await Promise.all([params, getOptionalUser()]);
  const view = await viewPackagePage(db, decodeSegment(id), null, viewer?.id ?? null);
  if (!view) notFound();
  return <PackageView view={view} origin={appOrigin(await headers())} />;
}
