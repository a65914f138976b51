"""XMP metadata: one writer for every PDF the project makes, leaflets and packs alike."""
from __future__ import annotations

from xml.sax.saxutils import escape

from .plan import DocInfo


def xmp(info: DocInfo) -> bytes:
    """XMP metadata: dc:title, pdfuaid:part 1, and our own leaflet properties."""
    date = info.date.isoformat()
    ours = "".join(f"<leaflet:{k}>{escape(v)}</leaflet:{k}>" for k, v in sorted(info.keywords.items()))
    # A pack has no author or publisher of its own: those lines are left out, never made up.
    creator = f"<dc:creator><rdf:Seq><rdf:li>{escape(info.author)}</rdf:li></rdf:Seq></dc:creator>\n" \
        if info.author else ""
    publisher = f"<dc:publisher><rdf:Bag><rdf:li>{escape(info.publisher)}</rdf:li></rdf:Bag></dc:publisher>\n" \
        if info.publisher else ""
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 xmlns:leaflet="urn:x-leaflets:meta:1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.title)}</rdf:li></rdf:Alt></dc:title>
{creator}{publisher}<dc:language><rdf:Bag><rdf:li>{escape(info.lang)}</rdf:li></rdf:Bag></dc:language>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(info.subject)}</rdf:li></rdf:Alt></dc:description>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<pdfuaid:part>1</pdfuaid:part>
{ours}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode("utf-8")
