// GET /packages/{id}/{version}: the package page at that version; an unlisted one exists only for
// those who manage the id (see lib/packages/package-page.ts).
import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { PackageView } from "@/components/packages/package-view";
import { db } from "@/lib/db";
import { viewPackagePage } from "@/lib/packages/package-page";
import { appOrigin } from "@/lib/request-context";
import { getOptionalUser } from "@/lib/session";
import { decodeSegment } from "../segment";

export async function generateMetadata({ params }: { params: Promise<{ id: string; version: string }> }): Promise<Metadata> {
  const { id, version } = await params;
  return { title: `${decodeSegment(id)} ${decodeSegment(version)}` };
}

export default async function PackageVersionPage({ params }: { params: Promise<{ id: string; version: string }> }) {
  const [{ id, version }, viewer] = await Promise.all([params, getOptionalUser()]);
  const versionText = decodeSegment(version);
  if (!versionText) notFound();
  const view = await viewPackagePage(db, decodeSegment(id), versionText, viewer?.id ?? null);
  if (!view) notFound();
  return <PackageView view={view} origin={appOrigin(await headers())} />;
}
