/* lane_flows.c: load a scenario, run it to the end, print each lane's flow, speed and density.
 * Build: cc lane_flows.c $(pkg-config --cflags --libs lanesim) -o lane_flows */
#include <stdio.h>
#include <stdlib.h>

#include <lanesim/lanesim.h>

static void print_problems(const ls_diags *d)
{
    char line[1024];
    for (int i = 0; i < d->count; i++) {
        ls_diag_format(&d->items[i], line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SCENARIO.yaml [KEY=VALUE ...]\n", argv[0]);
        return 2;
    }
    ls_diags *diags = malloc(sizeof *diags); /* 64 problems of 800 bytes: keep it off the stack */
    ls_scenario scenario;
    ls_diags_clear(diags);
    /* Overrides use the same dotted paths as `lanesim run --set`. */
    ls_status st = ls_scenario_load(argv[1], NULL, 0, (const char *const *)argv + 2, argc - 2,
                                    &scenario, diags);
    ls_world *world = NULL;
    if (st == LS_OK) st = ls_world_create(&scenario, &world, diags);
    if (st != LS_OK) {
        print_problems(diags);
        free(diags);
        return ls_status_exit_code(st);
    }
    while (!ls_world_done(world) && st == LS_OK) st = ls_world_step(world);

    ls_world_info info = ls_world_get_info(world);
    for (int lane = 0; lane < info.lanes; lane++) {
        ls_lane_stats s = ls_world_lane_stats(world, lane);
        printf("lane %d: %.0f veh/h, %.1f km/h, %.2f veh/km\n", lane + 1, s.flow_vph, s.speed_kmh,
               s.density_vpkm);
    }
    ls_counts c = ls_world_counts(world);
    printf("entered %llu, exited %llu, inside %llu, waiting %llu\n", (unsigned long long)c.entered,
           (unsigned long long)c.exited, (unsigned long long)c.inside,
           (unsigned long long)c.waiting);
    ls_world_destroy(world);
    free(diags);
    return st == LS_OK ? 0 : 1;
}
