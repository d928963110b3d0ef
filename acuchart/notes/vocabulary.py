"""Pick lists for the note: TCM patterns, tongue, pulse, needles and the ICD-10-CM short-list.

Practitioners may always type their own words as well; these lists only make
the usual ones one keystroke away.
"""

from __future__ import annotations

TCM_PATTERNS = (
    "Qi and Blood deficiency",
    "Qi deficiency with Blood stasis",
    "Blood stasis obstructing the channels",
    "Blood deficiency failing to nourish the sinews",
    "Qi and Yin deficiency",
    "Yin deficiency with internal heat",
    "Liver and Kidney Yin deficiency",
    "Spleen and Kidney Yang deficiency",
    "Kidney Yang deficiency",
    "Spleen Qi deficiency with Dampness",
    "Damp-Heat in the lower limbs",
    "Phlegm-Damp obstructing the channels",
    "Wind-Cold-Damp Bi syndrome",
    "Cold congealing in the channels",
    "Liver Qi stagnation",
    "Liver Blood deficiency with internal Wind",
    "Toxic heat damaging the channels (after chemotherapy)",
    "Wei (atrophy) syndrome",
)

TONGUE_BODY = ("pale", "pale-red (normal)", "red", "dark red", "purple", "dusky", "bluish")
TONGUE_COAT = (
    "thin white",
    "thick white",
    "thin yellow",
    "thick yellow",
    "greasy",
    "peeled",
    "none",
)
TONGUE_SHAPE = (
    "normal",
    "swollen",
    "teeth marks",
    "thin",
    "cracked",
    "stiff",
    "deviated",
    "purple spots",
    "distended sublingual veins",
)
PULSE_QUALITIES = (
    "thready (thin)",
    "weak",
    "deep",
    "slow",
    "rapid",
    "wiry",
    "slippery",
    "choppy",
    "floating",
    "tight",
    "empty",
    "full",
    "soggy",
    "knotted",
)

NEEDLE_GAUGES = (
    "0.16 mm (40 G)",
    "0.18 mm (38 G)",
    "0.20 mm (36 G)",
    "0.22 mm (35 G)",
    "0.25 mm (34 G)",
    "0.30 mm (32 G)",
)
NEEDLE_LENGTHS = ("13 mm", "15 mm", "25 mm", "30 mm", "40 mm", "50 mm", "75 mm")

# Neuropathy codes offered first, before a search of the full ICD-10-CM code set.
ICD10_SHORT_LIST = (
    ("E11.42", "Type 2 diabetes mellitus with diabetic polyneuropathy"),
    ("E10.42", "Type 1 diabetes mellitus with diabetic polyneuropathy"),
    ("G62.0", "Drug-induced polyneuropathy"),
    ("G62.1", "Alcoholic polyneuropathy"),
    ("G62.9", "Polyneuropathy, unspecified"),
    ("G60.9", "Hereditary and idiopathic neuropathy, unspecified"),
    ("G63", "Polyneuropathy in diseases classified elsewhere"),
    ("M79.2", "Neuralgia and neuritis, unspecified"),
    ("G56.00", "Carpal tunnel syndrome, unspecified upper limb"),
    ("G57.50", "Tarsal tunnel syndrome, unspecified lower limb"),
    ("M79.641", "Pain in right hand"),
    ("M79.642", "Pain in left hand"),
    ("M79.671", "Pain in right foot"),
    ("M79.672", "Pain in left foot"),
    ("G89.29", "Other chronic pain"),
)
