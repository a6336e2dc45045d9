// The nav entries of nuget.org that this site does not have.
import { notFound } from "next/navigation";
import { NotHere } from "@/components/layout/not-here";

const SECTIONS: Record<string, string> = { stats: "Statistics", docs: "Documentation", downloads: "Downloads", blog: "Blog" };

export const dynamicParams = false;

export function generateStaticParams() {
  return Object.keys(SECTIONS).map((section) => ({ section }));
}

export default async function Placeholder({ params }: { params: Promise<{ section: string }> }) {
  const { section } = await params;
  const title = SECTIONS[section];
  if (!title) notFound();
  return <NotHere title={title} />;
}
