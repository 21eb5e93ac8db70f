#include "detect/mitre.h"

const struct mitre MITRE_LOADER_EXEC = { "TA0005", "Defense Evasion", "T1574",
					 "Hijack Execution Flow" };
const struct mitre MITRE_INGRESS_TOOL_TRANSFER = { "TA0011", "Command and Control", "T1105",
						   "Ingress Tool Transfer" };
const struct mitre MITRE_SOFTWARE_PACKING = { "TA0005", "Defense Evasion", "T1027.002",
					      "Obfuscated Files or Information: Software Packing" };
const struct mitre MITRE_OBFUSCATED_FILES = { "TA0005", "Defense Evasion", "T1027",
					      "Obfuscated Files or Information" };
const struct mitre MITRE_DROPPED_EXEC = { "TA0002", "Execution", "T1204.002",
					  "User Execution: Malicious File" };
const struct mitre MITRE_REFLECTIVE_CODE_LOADING = { "TA0005", "Defense Evasion", "T1620",
						     "Reflective Code Loading" };
const struct mitre MITRE_DYNAMIC_LINKER_HIJACKING = { "TA0005", "Defense Evasion", "T1574.006",
						     "Hijack Execution Flow: Dynamic Linker Hijacking" };
