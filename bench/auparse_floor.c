/* bench/auparse_floor.c: the floor for any libauparse-based plugin. Reads audit text from a
 * file or stdin in 64 KiB chunks (the size of elfwatch's reads and batches), feeds each chunk
 * to libauparse's feed API, and in the event callback walks every record and every field
 * (name and raw value), doing nothing else. Prints one JSON line: events, records, fields, bytes.
 *
 * usage: auparse_floor [FILE|-] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <auparse.h>

#define FLOOR_CHUNK (64 * 1024)

struct floor_counts {
	unsigned long long events, records, fields, bytes;
	size_t sink;    /* keeps the field reads from being optimised away */
};

static void floor_on_event(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct floor_counts *c = arg;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	c->events++;
	if (auparse_first_record(au) <= 0)
		return;
	do {
		c->records++;
		if (auparse_first_field(au) <= 0)
			continue;
		do {
			const char *name = auparse_get_field_name(au);
			const char *value = auparse_get_field_str(au);

			c->fields++;
			c->sink += (name ? (unsigned char)name[0] : 0) + (value ? (unsigned char)value[0] : 0);
		} while (auparse_next_field(au) > 0);
	} while (auparse_next_record(au) > 0);
}

int main(int argc, char **argv)
{
	static char buf[FLOOR_CHUNK];
	struct floor_counts c = { 0 };
	auparse_state_t *au;
	int fd = STDIN_FILENO;
	ssize_t n;

	if (argc > 2) {
		fprintf(stderr, "usage: auparse_floor [FILE|-]\n");
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "auparse_floor: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
	}
	au = auparse_init(AUSOURCE_FEED, NULL);
	if (!au) {
		fprintf(stderr, "auparse_floor: auparse_init: %s\n", strerror(errno));
		return 1;
	}
	auparse_set_eoe_timeout(2);     /* as elfwatch */
	auparse_add_callback(au, floor_on_event, &c, NULL);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "auparse_floor: read: %s\n", strerror(errno));
			return 1;
		}
		c.bytes += (unsigned long long)n;
		auparse_feed(au, buf, (size_t)n);
	}
	auparse_flush_feed(au);
	auparse_destroy(au);
	printf("{\"events\": %llu, \"records\": %llu, \"fields\": %llu, \"bytes\": %llu, \"sink\": %zu}\n",
	       c.events, c.records, c.fields, c.bytes, c.sink);
	return 0;
}
