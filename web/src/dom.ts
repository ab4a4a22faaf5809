// Building the page without HTML strings: every text a server or an article
// supplies becomes a text node, so it renders inert whatever it contains.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** An element with attributes, event handlers (`on…`) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(key, "");
    } else {
      element.setAttribute(key, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children (text as text nodes) to `parent`. */
export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" || typeof child === "number" ? text(String(child)) : child);
  }
}

/**
 * A text node that shows control characters (ESC, BEL, ...) as their visible
 * symbols (␛, ␇), so that a reviewer sees that an article carries them.
 */
export function text(value: string): Text {
  return document.createTextNode(value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => String.fromCharCode(c === "\u007f" ? 0x2421 : 0x2400 + c.charCodeAt(0))));
}

/** Replaces everything in `parent` with `children`. */
export function replace(parent: Node, ...children: (Child | Child[])[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** A link to an outside http(s) URL, or the URL as text when it is not one. */
export function externalLink(url: string, label?: string): Node {
  if (!isHttpUrl(url)) return text(label ?? url);
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label ?? url);
}

/** Whether `text` is an absolute http(s) URL with a host, as the server requires of evidence. */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}
