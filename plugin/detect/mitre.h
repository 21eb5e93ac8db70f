/* mitre: the ATT&CK tactics and techniques elfwatch's alerts name. */
#ifndef ELFWATCH_MITRE_H
#define ELFWATCH_MITRE_H

struct mitre {
	const char *tactic, *tactic_name, *technique, *technique_name;
};

extern const struct mitre MITRE_LOADER_EXEC, MITRE_INGRESS_TOOL_TRANSFER, MITRE_SOFTWARE_PACKING,
	MITRE_OBFUSCATED_FILES, MITRE_DROPPED_EXEC, MITRE_REFLECTIVE_CODE_LOADING,
	MITRE_DYNAMIC_LINKER_HIJACKING;

#endif
