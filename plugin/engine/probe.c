/* probe: the back-end a probe was made for, and the tables it hands out. */
#include "engine/probe.h"

#include <string.h>

#include "engine/probe_backend.h"

static const char *const probe_kind_names[PROBE_KIND_COUNT] = {
	[PROBE_NONE] = "none",
	[PROBE_LIVE] = "live",
	[PROBE_ARTIFACTS] = "artifacts",
};

const char *probe_kind_name(enum probe_kind kind)
{
	return (unsigned)kind < PROBE_KIND_COUNT ? probe_kind_names[kind] : "unknown";
}

int probe_init(struct probe *p, enum probe_kind kind, const char *dir)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->dir = dir;
	return kind == PROBE_LIVE ? probe_live_init(p) : 0;
}

void probe_free(struct probe *p)
{
	probe_live_free(p);
	memset(p, 0, sizeof(*p));
}

int probe_refresh_mounts(struct probe *p)
{
	return p->kind == PROBE_LIVE ? probe_live_refresh_mounts(p) : 0;
}

struct loader_probe probe_loader(struct probe *p)
{
	switch (p->kind) {
	case PROBE_LIVE:
		return probe_live_loader(p);
	case PROBE_ARTIFACTS:
		return probe_artifacts_loader(p);
	default:
		return probe_none_loader(p);
	}
}

struct writes_fs probe_writes(struct probe *p)
{
	switch (p->kind) {
	case PROBE_LIVE:
		return probe_live_writes(p);
	case PROBE_ARTIFACTS:
		return probe_artifacts_writes(p);
	default:
		return probe_none_writes(p);
	}
}

struct execjudge_fs probe_exec(struct probe *p)
{
	switch (p->kind) {
	case PROBE_LIVE:
		return probe_live_exec(p);
	case PROBE_ARTIFACTS:
		return probe_artifacts_exec(p);
	default:
		return probe_none_exec(p);
	}
}
