"""Reads a PROV-JSON document (standard input) with the W3C reference library, python `prov`.

Prints one JSON object: what the library understood (entities, the product, entities not
reachable from it, the types of prov:type values) and whether the document survives a round
trip. The library writes PROV-N but has no PROV-N reader, so the round trip goes
PROV-JSON -> model -> PROV-JSON -> model (and through PROV-XML, which it reads), and each model
is compared with the first both as records and as PROV-N text.

Usage: python3 prov-check.py PRODUCT_ID < document.json
"""

import json
import sys

from prov.identifier import QualifiedName
from prov.model import (
    PROV_ATTR_ACTIVITY,
    PROV_ATTR_AGENT,
    PROV_ATTR_DELEGATE,
    PROV_ATTR_ENTITY,
    PROV_ATTR_GENERAL_ENTITY,
    PROV_ATTR_GENERATED_ENTITY,
    PROV_ATTR_INFLUENCEE,
    PROV_ATTR_INFLUENCER,
    PROV_ATTR_PLAN,
    PROV_ATTR_RESPONSIBLE,
    PROV_ATTR_SPECIFIC_ENTITY,
    PROV_ATTR_USED_ENTITY,
    PROV_TYPE,
    ProvAssociation,
    ProvAttribution,
    ProvDelegation,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvInfluence,
    ProvSpecialization,
    ProvUsage,
)

# Each relation read from effect to cause: (relation, from-attribute, to-attributes).
BACKWARDS = [
    (ProvDerivation, PROV_ATTR_GENERATED_ENTITY, [PROV_ATTR_USED_ENTITY, PROV_ATTR_ACTIVITY]),
    (ProvGeneration, PROV_ATTR_ENTITY, [PROV_ATTR_ACTIVITY]),
    (ProvUsage, PROV_ATTR_ACTIVITY, [PROV_ATTR_ENTITY]),
    (ProvAssociation, PROV_ATTR_ACTIVITY, [PROV_ATTR_AGENT, PROV_ATTR_PLAN]),
    (ProvAttribution, PROV_ATTR_ENTITY, [PROV_ATTR_AGENT]),
    (ProvDelegation, PROV_ATTR_DELEGATE, [PROV_ATTR_RESPONSIBLE]),
    (ProvSpecialization, PROV_ATTR_SPECIFIC_ENTITY, [PROV_ATTR_GENERAL_ENTITY]),
    (ProvInfluence, PROV_ATTR_INFLUENCEE, [PROV_ATTR_INFLUENCER]),
]


def edges(doc):
    """From each node to what it came from; and from a general entity to its specializations."""
    out = {}
    for record in doc.get_records():
        attributes = dict(record.formal_attributes)
        for kind, source, targets in BACKWARDS:
            if isinstance(record, kind):
                for target in targets:
                    if attributes.get(source) is not None and attributes.get(target) is not None:
                        out.setdefault(attributes[source], set()).add(attributes[target])
        if isinstance(record, ProvSpecialization):
            general = attributes[PROV_ATTR_GENERAL_ENTITY]
            out.setdefault(general, set()).add(attributes[PROV_ATTR_SPECIFIC_ENTITY])
    return out


def reachable(doc, start):
    graph = edges(doc)
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def same(a, b, provn=True):
    """The library's own equality (the same statements with the same attributes); PROV-N text
    also where the attributes keep their order (PROV-XML sorts them)."""
    return a == b and (not provn or a.get_provn() == b.get_provn())


def main():
    text = sys.stdin.read()
    doc = ProvDocument.deserialize(content=text, format="json")
    product = doc.valid_qualified_name("pdl:product/" + sys.argv[1])
    entities = sorted(str(r.identifier) for r in doc.get_records(ProvEntity))
    seen = reachable(doc, product)
    again = ProvDocument.deserialize(content=doc.serialize(format="json"), format="json")
    via_xml = ProvDocument.deserialize(content=doc.serialize(format="xml"), format="xml")
    type_values = sorted(
        {type(value).__name__ for record in doc.get_records() for value in record.get_attribute(PROV_TYPE)}
    )
    json.dump(
        {
            "product": str(product),
            "entities": entities,
            "unreachable": [e for e in entities if doc.valid_qualified_name(e) not in seen],
            "relations": sorted({type(r).__name__ for r in doc.get_records() if r.is_relation()}),
            "typeValues": type_values,
            "qualifiedNameTypes": all(
                isinstance(v, QualifiedName) for r in doc.get_records() for v in r.get_attribute(PROV_TYPE)
            ),
            "provn": doc.get_provn(),
            "jsonRoundTrip": same(doc, again),
            "xmlRoundTrip": same(doc, via_xml, provn=False),
        },
        sys.stdout,
    )


main()
