// A package readme rendered as Markdown for the page (Upload Package's Verify step). Pure.
// The readme is the uploader's text, so: raw HTML is escaped, never passed through (html:
// false: a <script> shows as text), and a link or image is kept only with an http(s) address
// (javascript:, data:, vbscript: and relative ones stay text). Links open as plain links with
// rel="nofollow noopener noreferrer ugc".
import MarkdownIt from "markdown-it";

/** Past this, the rest of a readme is not rendered (nuget.org's embedded readme limit is 1 MB too). */
export const MAX_RENDERED_README = 1024 * 1024;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
md.validateLink = (url: string) => /^https?:\/\//i.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet("rel", "nofollow noopener noreferrer ugc");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderReadme(markdown: string): string {
  return md.render(markdown.slice(0, MAX_RENDERED_README));
}
