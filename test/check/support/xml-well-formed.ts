/**
 * A strict-enough XML well-formedness check for the JUnit report (no XML parser is a dependency):
 * one declaration, balanced and properly nested elements, quoted attributes, known entities.
 * Returns the elements in document order as [name, attributes].
 */
export function parseXmlElements(xml: string): [string, Record<string, string>][] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const elements: [string, Record<string, string>][] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let position = 0;
  for (let match = tag.exec(body); match; match = tag.exec(body)) {
    position = tag.lastIndex;
    const [, closing, name, attributes, selfClosing, text] = match;
    if (text !== undefined) {
      checkEntities(text);
      continue;
    }
    if (closing) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, key, value] of attributes.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      checkEntities(value);
      attrs[key] = value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
    }
    elements.push([name, attrs]);
    if (!selfClosing) stack.push(name);
  }
  if (position !== body.length) throw new Error(`not XML at offset ${position}: ${body.slice(position, position + 40)}`);
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return elements;
}

function checkEntities(text: string): void {
  const bad = /&(?!(amp|lt|gt|quot|apos);)/.exec(text);
  if (bad) throw new Error(`a bare & in ${JSON.stringify(text.slice(0, 40))}`);
}
