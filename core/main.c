/*
 * redis-migrate's entry point: parse the configuration, set up logging,
 * and run the command. The only place that turns a configuration error into
 * an exit code and a message.
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "config/config.h"
#include "core/copy.h"
#include "core/log.h"

static bool holds_secrets(const struct config *cfg)
{
    return cfg->source.password || cfg->dest.password;
}

/* Overwrites the password of every URI argument, so that it shows in the
 * process list (/proc/PID/cmdline) only for the moment before this runs.
 * The parsed copy in the config is what the run uses. */
static void scrub_argv(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *scheme = strstr(argv[i], "://");
        if (!scheme || (strncmp(argv[i], "redis", 5) != 0 &&
                        strncmp(argv[i], "--", 2) != 0))
            continue;
        char *user = scheme + 3;
        char *at = strrchr(user, '@');
        char *colon = at ? memchr(user, ':', (size_t)(at - user)) : NULL;
        if (colon)
            memset(colon + 1, '*', (size_t)(at - colon - 1));
    }
}

int main(int argc, char **argv)
{
    struct config cfg = {0};
    char err[CONFIG_ERR_LEN] = "";
    int code;

    status rc = config_parse(&cfg, argc, argv, err, sizeof(err));
    if (rc != ST_OK) {
        fprintf(stderr, "redis-migrate: %s\n", err[0] ? err : status_str(rc));
        config_free(&cfg);
        return status_exit_code(rc) == 1 ? 2 : status_exit_code(rc);
    }

    /* No core dump or ptrace peek at the passwords we hold. */
    if (holds_secrets(&cfg))
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    scrub_argv(argc, argv);

    log_set_level((enum log_level)cfg.log_level);
    for (size_t i = 0; i < cfg.n_warnings; i++)
        log_warn("%s", cfg.warnings[i]);

    switch (cfg.command) {
    case CMD_HELP:
        config_usage(cfg.help_for, stdout);
        code = 0;
        break;
    case CMD_VERSION:
        printf("redis-migrate %s\n", RM_VERSION);
        code = 0;
        break;
    case CMD_COPY:
    case CMD_VERIFY:
        code = copy_main(&cfg);
        break;
    default:
        config_usage(CMD_NONE, stderr);
        code = 2;
        break;
    }
    config_free(&cfg);
    return code;
}
