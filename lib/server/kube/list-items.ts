/**
 * A Kubernetes list's JSON body, read as it arrives: each element of the top-level `items` array is
 * parsed on its own and handed on at once, and the rest (kind, metadata with resourceVersion and
 * continue) is parsed at the end. A v1.24 API server answers a `resourceVersion=0` list from its
 * watch cache in one body whatever the limit: 150,000 pods are about 450 MB of JSON, which as one
 * string is near V8's limit (512 MiB) and, with its buffers and the parsed copy, well over the
 * dashboard's memory budget. Read this way, only the current item is ever held as text.
 */
export class ListItemsReader {
  /** Outside `items`: the body with the array's elements left out, parsed by `finish`. */
  private rest = '';
  /** The element being read (text so far), when inside one. */
  private item = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The text of the last string read at depth 1 (a key of the top object). */
  private lastKey = '';
  private keyStart = -1;
  private keyText = '';
  /** The depth of the `items` array (1 inside the top object → 2), 0 when not inside it. */
  private itemsDepth = 0;

  constructor(private readonly onItem: (item: Record<string, unknown>) => void) {}

  /** Feeds the next chunk of text (chunks may split anything, strings and escapes included). */
  write(chunk: string): void {
    let from = 0;
    const n = chunk.length;
    // Inside strings (most of the text) the scan jumps to the next quote or backslash.
    let backslash = chunk.indexOf('\\');
    for (let i = 0; i < n; i++) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        if (backslash !== -1 && backslash < i) backslash = chunk.indexOf('\\', i);
        const quote = chunk.indexOf('"', i);
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          this.escaped = true;
          i = backslash;
          continue;
        }
        if (quote === -1) break;
        i = quote;
        this.inString = false;
        if (this.depth === 1 && this.keyStart >= 0) {
          this.lastKey = this.keyText + chunk.slice(this.keyStart, i);
          this.keyStart = -1;
          this.keyText = '';
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === 34) {
        this.inString = true;
        if (this.depth === 1) {
          this.keyStart = i + 1;
          this.keyText = '';
        }
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (this.itemsDepth && this.depth === this.itemsDepth) {
          // An element starts: what came before it belongs to the rest.
          this.rest += chunk.slice(from, i);
          from = i;
        }
        this.depth++;
        if (c === 91 && this.depth === 2 && this.lastKey === 'items') this.itemsDepth = 2;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        this.depth--;
        if (this.itemsDepth && this.depth === this.itemsDepth) {
          const text = this.item + chunk.slice(from, i + 1);
          this.item = '';
          from = i + 1;
          this.onItem(JSON.parse(text) as Record<string, unknown>);
        } else if (this.itemsDepth && this.depth < this.itemsDepth) this.itemsDepth = 0;
      } else if (c === 44 /* , */ && this.itemsDepth && this.depth === this.itemsDepth) {
        // The separator between elements: dropped, the rest keeps an empty array.
        from = i + 1;
      }
    }
    // A string at depth 1 that goes on in the next chunk: keep its text so far.
    if (this.inString && this.depth === 1 && this.keyStart >= 0) {
      this.keyText += chunk.slice(this.keyStart);
      this.keyStart = 0;
    }
    if (this.itemsDepth && this.depth > this.itemsDepth) this.item += chunk.slice(from);
    else this.rest += chunk.slice(from);
  }

  /** The list without its items (they went to onItem): kind, apiVersion, metadata. */
  finish(): Record<string, unknown> {
    return JSON.parse(this.rest) as Record<string, unknown>;
  }
}
