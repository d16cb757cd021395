/**
 * Reads a JSON list answer (`{ "count": n, "value": [ … ] }`) as it arrives, handing out each item
 * of its top-level `value` array as soon as the item is complete, so that neither the whole body
 * nor its whole parsed tree is ever held. The organization-wide repository listing has no paging:
 * at 100,000 repositories it is a body of about 80 MB, whose parse tree takes several times that.
 *
 * It scans the text once, keeping only the item being read: strings (with their escapes) are
 * skipped over, brackets counted, and an item's text is parsed with `JSON.parse` alone once its
 * closing bracket (or the comma after a scalar) comes. Anything outside `value` is only checked
 * for balance. A body that ends before its top level closes, or whose item does not parse, fails
 * with a `SyntaxError`.
 */
export class JsonListSplitter {
  readonly #onItem: (item: unknown) => void;
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The last string closed at the top level: the key of the value that follows. */
  #topLevelString = '';
  #readingTopLevelString = false;
  #lastTopLevelKey?: string;
  /** Inside the top-level `value` array. */
  #inValue = false;
  /** The text of the item being read, when one is. */
  #item?: string;
  #started = false;
  #ended = false;
  /** Whether a top-level `value` array was found. */
  valueFound = false;
  items = 0;

  constructor(onItem: (item: unknown) => void) {
    this.#onItem = onItem;
  }

  write(text: string): void {
    let itemStart = this.#item === undefined ? -1 : 0;
    let index = 0;
    if (!this.#started && text.charCodeAt(0) === 0xfeff) index = 1;
    for (; index < text.length; index++) {
      const char = text[index];
      if (this.#ended) {
        if (!isWhitespace(char)) throw new SyntaxError('unexpected text after the end of the JSON answer');
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (char === '\\') this.#escaped = true;
        else if (char === '"') {
          this.#inString = false;
          if (this.#readingTopLevelString) this.#readingTopLevelString = false;
          continue;
        }
        if (this.#readingTopLevelString) this.#topLevelString += char;
        continue;
      }
      if (isWhitespace(char)) continue;
      this.#started = true;
      // The start of an item of `value`: any value at depth 2 inside it.
      if (this.#inValue && this.#depth === 2 && itemStart < 0 && this.#item === undefined && char !== ',' && char !== ']') {
        itemStart = index;
        this.#item = '';
      }
      switch (char) {
        case '"':
          this.#inString = true;
          if (this.#depth === 1) {
            this.#readingTopLevelString = true;
            this.#topLevelString = '';
          }
          break;
        case ':':
          if (this.#depth === 1) this.#lastTopLevelKey = this.#topLevelString;
          break;
        case '{':
        case '[':
          if (this.#depth === 1 && char === '[' && this.#lastTopLevelKey === 'value') {
            this.#inValue = true;
            this.valueFound = true;
          }
          this.#depth++;
          break;
        case '}':
        case ']':
          if (this.#depth === 0) throw new SyntaxError('unbalanced brackets in the JSON answer');
          // A scalar item (a container item is out by now) ends at the array's close.
          if (this.#inValue && this.#depth === 2 && this.#item !== undefined) {
            this.#emit(text.slice(itemStart, index));
            itemStart = -1;
          }
          this.#depth--;
          if (this.#inValue && this.#depth === 2 && this.#item !== undefined) {
            this.#emit(text.slice(itemStart, index + 1));
            itemStart = -1;
          } else if (this.#inValue && this.#depth === 1) {
            this.#inValue = false;
          }
          if (this.#depth === 0) this.#ended = true;
          break;
        case ',':
          if (this.#inValue && this.#depth === 2 && this.#item !== undefined) {
            this.#emit(text.slice(itemStart, index));
            itemStart = -1;
          }
          if (this.#depth === 1) this.#lastTopLevelKey = undefined;
          break;
      }
    }
    if (this.#item !== undefined && itemStart >= 0) this.#item += text.slice(itemStart);
  }

  /** Checks that the answer ended where its top level closed. */
  end(): void {
    if (!this.#ended) throw new SyntaxError('the JSON answer ends before its top level closes');
  }

  #emit(tail: string): void {
    const text = (this.#item ?? '') + tail;
    this.#item = undefined;
    this.items++;
    this.#onItem(JSON.parse(text));
  }
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\n' || char === '\r' || char === '\t';
}
