import { expect, it } from "vitest";
import { renderReadme } from "./readme-markdown";

it("renders Markdown: headings, emphasis, lists, code, http(s) links", () => {
  const html = renderReadme("# Title\n\nSome *text* and `code`.\n\n- one\n- two\n\n[site](https://example.test/a?b=1)");
  expect(html).toContain("<h1>Title</h1>");
  expect(html).toContain("<em>text</em>");
  expect(html).toContain("<code>code</code>");
  expect(html).toContain("<li>one</li>");
  expect(html).toContain('<a href="https://example.test/a?b=1" rel="nofollow noopener noreferrer ugc">site</a>');
});

it("escapes raw HTML: a script, an event handler and an iframe stay text", () => {
  const html = renderReadme('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<iframe src="https://evil.test"></iframe>');
  expect(html).not.toMatch(/<script|<img|<iframe/i);
  expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  expect(html).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
});

it("keeps a link or image only with an http(s) address", () => {
  for (const url of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "/relative", "file:///etc/passwd"]) {
    const html = renderReadme(`[click](${url}) ![pic](${url})`);
    expect(html, url).not.toContain("<a ");
    expect(html, url).not.toContain("<img");
  }
  expect(renderReadme("![pic](http://example.test/p.png)")).toContain('<img src="http://example.test/p.png" alt="pic">');
  // autolinks and linkified text follow the same rule
  expect(renderReadme("<javascript:alert(1)> and www.example.test")).not.toContain('href="javascript');
});
