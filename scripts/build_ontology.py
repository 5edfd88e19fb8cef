"""Build src/dyadwatch/data/ontology.yaml from the ontology tables in ../shared/data/ontology.

Run from the repository root:

    .venv/bin/python scripts/build_ontology.py [--src ../shared/data/ontology] [--out PATH]

The output is deterministic (same input, same bytes), so a reviewer can re-run
this script and `git diff` the result. Facts only come from the tables:

- cameo_codebook.tsv: CAMEO code, name, Goldstein score (names from the CAMEO
  0.7b5 codefile, scores from GDELT's lookup table);
- cameo_to_plover.tsv: the CAMEO->PLOVER table of PLOVER draft 0.8 (2021),
  resolved by longest prefix (full code, then 3 digits, then the 2-digit root).

Five decisions are ours and are written into the YAML next to the data:

- QuadClass per PLOVER type follows the PLOVER manual's own labels
  (each category section is headed VERBAL/MATERIAL COOPERATION/CONFLICT):
  PROTEST is *material* conflict there (as CAMEO 14 is in ICEWS/GDELT quad
  counts), so it gets quad class 4, not 3.
- CAMEO 02 (APPEAL) is dropped by the 2021 table. dyadwatch codes appeals
  ("called on", "urged", "asked") as REQUEST, the 2023 name of the former
  DEMAND category, so that requests addressed to several parties are counted.
- CAMEO 163 (impose sanctions) is SANCTION, as the PLOVER manual's SANCTION
  section says, not COERCE as the 2021 table has it.
- CAMEO 1712 (destroy property) is COERCE like the rest of 171 (its own row
  carries the COERCE mode "seize"; the gold standard codes it COERCE).
  These three overrides are listed under `plover_overrides` in the output.
- CAMEO codes without a GDELT Goldstein score (1213, 1214, 1951, 1952) take the
  score of their 3-digit parent, marked `goldstein_from`.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "ontology"
DEFAULT_OUT = ROOT / "src" / "dyadwatch" / "data" / "ontology.yaml"

#: PLOVER types in manual order with the manual's quad heading and its
#: numeric "Schrodt score" (PLOVER manual, table "Numeric conflict-cooperation
#: scores"; DEMAND there is REQUEST here, COOPERATION is COOPERATE).
PLOVER = (
    ("AGREE", 1, 4.2, "Agree to, offer, promise or otherwise state willingness to cooperate; cooperative acts in the future tense."),
    ("CONSULT", 1, 2.1, "Meetings, talks, visits, hosting, phone calls, mediation and negotiation."),
    ("SUPPORT", 1, 4.6, "Verbal, diplomatic support: praise, endorse, recognise, sign agreements, apologise, forgive."),
    ("CONCEDE", 1, 5.0, "Verbal concessions: ease restrictions or curfews, accede to demands, declare (not implement) ceasefires."),
    ("COOPERATE", 2, 6.8, "Mutual material cooperation: trade, joint exercises, extraditions, sharing intelligence."),
    ("AID", 2, 7.4, "Material aid that mainly benefits the recipient: money, arms, troops, humanitarian aid, asylum."),
    ("RETREAT", 2, 7.6, "Material concessions: release prisoners, return property, allow access, disarm, withdraw, resign."),
    ("REQUEST", 3, -5.0, "Requests, demands and orders (the former DEMAND category)."),
    ("ACCUSE", 3, -2.0, "Criticise, condemn, accuse, complain, sue; all investigations."),
    ("REJECT", 3, -4.2, "Reject or refuse proposals, requests, demands, cooperation, mediation; defy norms; veto."),
    ("THREATEN", 3, -5.1, "Threats and ultimatums; conflictual acts stated as intentions."),
    ("PROTEST", 4, -6.6, "Demonstrations, rallies, strikes, hunger strikes, boycotts, blockades by civilians, riots."),
    ("SANCTION", 4, -5.2, "Reduce relations: cut ties, stop aid, halt talks or mediation, expel or withdraw organisations, embargoes."),
    ("MOBILIZE", 4, -5.3, "Military or police moves short of force: alerts, deployments against an opponent, mobilisation."),
    ("COERCE", 4, -7.2, "Repression: arrests, deportations, curfews, bans, confiscation, blockades, occupation."),
    ("ASSAULT", 4, -9.3, "Violence: attacks, killings, bombings, shelling, abductions, torture, fighting."),
)

#: How the event coder treats each type where the text leaves something out
#: (the `coding` block of every PLOVER type in the output; read by
#: coding/event_args.py and coding/events.py through coding/ontology.py):
#: - target_from_place: where a missing target may come from. "always": the
#:   place where the act happened ("tanks fired at targets in Jericho" is an
#:   attack on the Palestinian territories; unnamed victims are of the place);
#:   "abroad": only when the place is in another country than the source's
#:   (drills near Okinawa are aimed at Japan, drills at home at nobody named).
#: - domestic_patient: when an unnamed patient is taken to be of the source's
#:   own country. "always": a protest, repression or concession with no named
#:   target is directed at the country's own government or people; "people":
#:   only when the patient is people ("arrested opponents", "shelled the town").
#:   Chosen on plover_gsr dev (triple F1 0.605 with every type, 0.620 with these).
#: - preparation: "preparing to attack" is itself a coded preparation event.
#: - target_from_that_clause: "expressed concern that X ...": with no target in
#:   the slots, the subject of the "that" clause is the target.
CODING_DEFAULTS = {"target_from_place": "never", "domestic_patient": "never", "preparation": False,
                   "target_from_that_clause": False}
CODING = {
    "ACCUSE": {"target_from_that_clause": True, "domestic_patient": "people"},
    "REQUEST": {"domestic_patient": "people"},
    "REJECT": {"domestic_patient": "people"},
    "THREATEN": {"target_from_that_clause": True},
    "PROTEST": {"domestic_patient": "always"},
    "CONCEDE": {"domestic_patient": "always"},
    "SANCTION": {"preparation": True},
    "MOBILIZE": {"target_from_place": "abroad", "preparation": True},
    "COERCE": {"target_from_place": "always", "domestic_patient": "always", "preparation": True},
    "ASSAULT": {"target_from_place": "always", "domestic_patient": "people", "preparation": True},
}

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}

OVERRIDES = {
    "02": ("REQUEST", "CAMEO 02 APPEAL is dropped by the 2021 table; dyadwatch codes appeals as "
                      "REQUEST (2023 name of DEMAND) so that calls on several parties are counted."),
    "163": ("SANCTION", "The 2021 table maps 163 (impose embargo, boycott or sanctions) to COERCE, "
                        "but the PLOVER manual lists 'Impose embargo, boycott, or sanctions' under "
                        "SANCTION; the manual wins."),
    "1712": ("COERCE", "The 2021 table maps 1712 (destroy property) to ASSAULT while giving it the "
                       "mode 'seize', a COERCE mode shared with 171/1711 (seize or damage property); "
                       "the PLOVER gold standard records code property destruction (demolitions, "
                       "arson, sabotage of power lines) as COERCE. ASSAULT stays for harm to people."),
}


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def build(src: Path) -> dict:
    codebook = _read_tsv(src / "cameo_codebook.tsv")
    table = _read_tsv(src / "cameo_to_plover.tsv")

    to_plover: dict[str, str] = {}
    duplicates: list[str] = []
    for row in table:
        code, plover = row["cameo_code"].strip(), row["plover_event"].strip()
        if code in to_plover:
            if to_plover[code] != plover:
                duplicates.append(f"{code}: {to_plover[code]} kept, {plover} ignored")
            continue
        to_plover[code] = plover

    def plover_of(code: str) -> tuple[str | None, str | None]:
        for n in (len(code), 3, 2):
            prefix = code[:n]
            if prefix in OVERRIDES:
                return OVERRIDES[prefix][0], "override"
            if prefix in to_plover:
                return to_plover[prefix], "table" if n == len(code) else f"table:{prefix}"
        return None, None

    scores = {r["cameo_code"]: r["goldstein"] for r in codebook}
    cameo: dict[str, dict] = {}
    for row in sorted(codebook, key=lambda r: r["cameo_code"]):
        code = row["cameo_code"].strip()
        entry: dict = {"name": row["name"].strip()}
        if row["goldstein"].strip():
            entry["goldstein"] = float(row["goldstein"])
        else:
            parent = code[:3]
            entry["goldstein"] = float(scores[parent])
            entry["goldstein_from"] = parent
        plover, how = plover_of(code)
        entry["plover"] = plover
        if how and how != "table":
            entry["plover_from"] = how
        cameo[code] = entry

    roots: dict[str, list[str]] = {name: [] for name, *_ in PLOVER}
    for code, entry in cameo.items():
        if len(code) == 2 and entry["plover"]:
            roots[entry["plover"]].append(code)
    plover = {
        name: {"quad_class": quad, "quad_name": QUAD_NAMES[quad], "score": score,
               "cameo_roots": roots[name], "description": desc,
               "coding": {**CODING_DEFAULTS, **CODING.get(name, {})}}
        for name, quad, score, desc in PLOVER
    }
    return {
        "version": 1,
        "generated_by": "scripts/build_ontology.py",
        "sources": {
            "cameo_codebook": "../shared/data/ontology/cameo_codebook.tsv (CAMEO 0.7b5 names, MIT; GDELT Goldstein scores)",
            "cameo_to_plover": "../shared/data/ontology/cameo_to_plover.tsv (openeventdata/PLOVER CAMEO2PLOVER-2021.txt@e834df5, CC BY-SA 4.0)",
            "quad_and_scores": "openeventdata/PLOVER PLOVER_MANUAL.tex: category headings and 'Schrodt scores' (CC BY-SA 4.0)",
        },
        "notes": [
            "QuadClass follows the PLOVER manual headings: PROTEST is material conflict (4).",
            "CAMEO 08 appears twice in the 2021 table (CONCEDE and RETREAT); the root keeps the first (CONCEDE), "
            "3/4-digit codes keep their own rows.",
            *[f"duplicate table row: {d}" for d in duplicates],
        ],
        "plover_overrides": {code: {"plover": p, "reason": why} for code, (p, why) in OVERRIDES.items()},
        "plover": plover,
        "cameo": cameo,
    }


class _Code(str):
    """A CAMEO code: always written quoted, so that no YAML reader takes "08" for a number."""


yaml.SafeDumper.add_representer(_Code, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="'"))


def _quote_codes(obj):
    if isinstance(obj, dict):
        return {(_Code(k) if isinstance(k, str) and k.isdigit() else k): _quote_codes(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_quote_codes(v) for v in obj]
    if isinstance(obj, str) and obj.isdigit():
        return _Code(obj)
    return obj


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    data = _quote_codes(build(args.src))
    header = ("# GENERATED by scripts/build_ontology.py from ../shared/data/ontology/*.tsv.\n"
              "# Do not edit by hand: change the script or the tables and re-run it.\n")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    args.out.write_text(header + text, encoding="utf-8")
    print(f"wrote {args.out} ({len(data['cameo'])} CAMEO codes, {len(data['plover'])} PLOVER types)")


if __name__ == "__main__":
    main()
