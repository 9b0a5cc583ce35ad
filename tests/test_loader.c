/* test_loader.c: scenario files, --set overrides and every problem they can have. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lanesim/scenario.h"
#include "schema.h"
#include "source.h"
#include "support.h"

static char g_line[1024];

static const char *line_of(const ls_diags *d, int i)
{
    if (i >= d->count) return "(no problem reported)";
    ls_diag_format(&d->items[i], g_line, sizeof g_line);
    return g_line;
}

static void enter(const char *dir)
{
    cr_assert_eq(chdir(ls_test_src(dir)), 0, "cannot enter %s", dir);
}

/* ---- one malformed file, one exact line ---- */

typedef struct bad_case {
    const char *file;
    const char *line;
} bad_case;

/* The position is the offending value's (or key's) line and column in the file. */
static const bad_case BAD[] = {
    {"wrong_type.yaml",
     "wrong_type.yaml:2:10: road.lanes: expected an integer from 1 to 16, got \"four\""},
    {"out_of_range.yaml",
     "out_of_range.yaml:2:11: model.p_slow: expected a number from 0 to 1, got 1.7"},
    {"onramp_without_lane_changes.yaml",
     "onramp_without_lane_changes.yaml:4:22: ramps[0].kind: expected lane_change.enabled: true "
     "with an on-ramp (its vehicles join the road by changing lanes), got lane changes off"},
    {"unknown_key.yaml", "unknown_key.yaml:2:1: meters: unknown key \"meters\""},
    {"misspelt_key.yaml", "misspelt_key.yaml:2:3: model.p_slwo: unknown key \"p_slwo\" (did you "
                          "mean \"p_slow\"?)"},
    {"bad_unit.yaml", "bad_unit.yaml:2:16: road.speed_limit: expected a speed such as 65, \"65 "
                      "mph\" or \"100 km/h\", got \"65 mps\""},
    {"duplicate_key.yaml",
     "duplicate_key.yaml:4:3: road.lanes: duplicate key \"lanes\" (first at line 3)"},
    {"tab_indent.yaml", "tab_indent.yaml:2:1: found character that cannot start any token"},
    {"truncated.yaml", "truncated.yaml:2:1: did not find expected ',' or '}'"},
    {"empty.yaml",
     "empty.yaml:1:1: expected a mapping of scenario sections, got an empty document"},
    {"comment_only.yaml",
     "comment_only.yaml:2:1: expected a mapping of scenario sections, got an empty document"},
    /* binary.yaml: 48 bytes x >> 23 of x = 1103515245 x + 12345 mod 2^31 from x = 7; the
     * first byte, 0x98, cannot start a UTF-8 character. */
    {"binary.yaml", "binary.yaml:1:1: invalid leading UTF-8 octet"},
    {"huge_number.yaml",
     "huge_number.yaml:2:11: road.length: expected a length above 0 and up to 20000000000 m, "
     "got 1e400"},
    {"huge_integer.yaml", "huge_integer.yaml:2:10: road.lanes: expected an integer from 1 to "
                          "16, got 99999999999999999999999"},
    {"negative_length.yaml", "negative_length.yaml:3:13: vehicles[0].length: expected a length "
                             "from 0.1 to 100 m, got -7.5"},
    {"lane_split_count.yaml", "lane_split_count.yaml:5:17: demand.mainline.lane_split: "
                              "expected 3 lane shares (one per lane), got 2"},
    {"lane_split_sum.yaml", "lane_split_sum.yaml:5:17: demand.mainline.lane_split: expected "
                            "lane shares that sum to 1, got a sum of 1.1"},
    {"shares_sum.yaml",
     "shares_sum.yaml:2:3: vehicles: expected shares that sum to 1, got a sum of 1.1"},
    {"lane_out_of_range.yaml", "lane_out_of_range.yaml:4:27: vehicles[0].lanes[0]: expected a "
                               "lane number from 1 to 2, got 3"},
    {"detector_beyond_road.yaml", "detector_beyond_road.yaml:4:21: detectors[0].at: expected a "
                                  "length from 0 to below 5000 m (the road length), got 6000"},
    {"warmup_not_below_duration.yaml",
     "warmup_not_below_duration.yaml:3:11: simulation.warmup: expected a time from 0 to below "
     "600 s (simulation.duration), got 600"},
    {"ring_with_demand.yaml", "ring_with_demand.yaml:5:11: demand.mainline.flow: expected a "
                              "flow of 0 on a ring road (a ring has no entry), got 1800"},
    {"bad_enum.yaml",
     "bad_enum.yaml:2:9: model.rule: expected one of nasch, vdr, newell, got \"nash\""},
    {"anchor.yaml", "anchor.yaml:2:11: model.p_slow: YAML anchors (&p) are not supported; "
                    "write the value out"},
    {"alias.yaml", "alias.yaml:2:11: model.p_slow: YAML aliases (*p) are not supported; write "
                   "the value out"},
    /* "x: " then 70 '[': the 64th '[' (column 67) is the 65th level under the root mapping. */
    {"deep_nesting.yaml", "deep_nesting.yaml:1:67: nesting deeper than 64 levels"},
    {"not_mapping.yaml",
     "not_mapping.yaml:1:1: expected a mapping of scenario sections, got a sequence"},
    {"profile_t_decreasing.yaml",
     "profile_t_decreasing.yaml:6:13: demand.mainline.flow[2].t: expected a time after 1800 s "
     "(the previous point), got 900"},
    {"seed_negative.yaml", "seed_negative.yaml:2:9: simulation.seed: expected an integer from 0 "
                           "to 18446744073709551615, got -1"},
    {"bool_yes.yaml", "bool_yes.yaml:2:9: road.ring: expected true or false, got \"yes\""},
    {"section_not_mapping.yaml",
     "section_not_mapping.yaml:2:3: model: expected a mapping, got a sequence"},
    {"hex_float.yaml", "hex_float.yaml:2:7: model.dt: expected a time such as 600, \"600 s\" or "
                       "\"10 min\", got \"0x1p0\""},
    {"nan.yaml", "nan.yaml:2:11: model.p_slow: expected a number from 0 to 1, got \".nan\""},
    {"trailing_junk.yaml", "trailing_junk.yaml:2:11: road.length: expected a length such as "
                           "300, \"1000 ft\" or \"3.1 mi\", got \"12abc\""},
    {"missing_share.yaml", "missing_share.yaml:3:5: vehicles[1]: missing required key \"share\" "
                           "(needed when there are several vehicle types)"},
    {"duplicate_type.yaml", "duplicate_type.yaml:3:12: vehicles[1].type: duplicate type \"car\" "
                            "(first at vehicles[0])"},
    {"unreachable_lane.yaml", "unreachable_lane.yaml:4:3: vehicles: expected every lane open to "
                              "at least one vehicle type, got none for lane 1"},
    /* 7.5 m cars on the default 1.5 m cells take 5 cells: at most 1/5 vehicle per cell */
    {"density_too_high.yaml", "density_too_high.yaml:2:12: initial.density: expected a density "
                              "of at most 0.2 veh/cell (the vehicles must fit), got 0.5"},
    {"duration_below_dt.yaml", "duration_below_dt.yaml:4:13: simulation.duration: expected a "
                               "time of at least 2 s (model.dt), got 1"},
    {"vehicle_zero_cells.yaml",
     "vehicle_zero_cells.yaml:4:27: vehicles[0].length: expected a length of at least 3.75 m "
     "(half a cell: shorter rounds to 0 cells), got 3"},
    {"detector_period_below_dt.yaml",
     "detector_period_below_dt.yaml:4:35: detectors[0].period: expected a time of at least 2 s "
     "(model.dt), got 1"},
    {"two_documents.yaml", "two_documents.yaml:2:1: expected one YAML document, got a second one"},
    {"tag.yaml", "tag.yaml:1:7: name: YAML tags are not supported, got the tag "
                 "\"tag:yaml.org,2002:str\""},
    {"empty_vehicles.yaml",
     "empty_vehicles.yaml:1:11: vehicles: expected 1 to 16 vehicle types, got 0"},
    {"density_bad_unit.yaml", "density_bad_unit.yaml:2:12: initial.density: expected a density "
                              "such as 0.05 (vehicles per cell) or \"40 veh/km\", got \"40 "
                              "veh/h\""},
    {"name_too_long.yaml",
     "name_too_long.yaml:1:7: name: expected a string of at most 63 bytes, got 70 bytes"},
    {"missing_detector_at.yaml",
     "missing_detector_at.yaml:2:5: detectors[0]: missing required key \"at\""},
    {"lanes_not_list.yaml", "lanes_not_list.yaml:2:26: vehicles[0].lanes: expected a sequence "
                            "of lane numbers such as [3, 4], got 3"},
    /* 2900 m + 250 m = 3150 m: the length is at fault, and at most 3000 - 2900 = 100 m fits */
    {"ramp_past_road_end.yaml",
     "ramp_past_road_end.yaml:4:43: ramps[1].length: the acceleration lane ends at 3150 m, past "
     "the road's end at 3000 m; expected a length up to 100 m, got 250"},
    {"ramp_default_length_past_end.yaml",
     "ramp_default_length_past_end.yaml:3:5: ramps[0].length: the acceleration lane ends at "
     "3150 m, past the road's end at 3000 m; expected a length up to 100 m, got 250 m (the "
     "default)"},
    /* only the start is wrong: its end (4250 m) is not a second problem */
    {"ramp_at_beyond_road.yaml", "ramp_at_beyond_road.yaml:3:29: ramps[0].at: expected a length "
                                 "from 0 to below 3000 m (the road length), got 4000"},
    {"speed_limit_beyond_road.yaml",
     "speed_limit_beyond_road.yaml:3:22: speed_limits[0].to: expected a length up to 5000 m (the "
     "road length), got 9000"},
    /* 40000 km / 0.5 m = 8e7 cells per lane, 2.4e8 in 3 lanes */
    {"too_many_cells.yaml",
     "too_many_cells.yaml:2:16: road.length: expected at most 200000000 cells in all (road.lanes "
     "x road.length / model.cell_length), got 3 lanes of 80000000 cells"},
    /* half a 1.5 m cell per 1 s step is 0.75 m/s = 2.7 km/h */
    {"speed_rounds_to_zero.yaml",
     "speed_rounds_to_zero.yaml:2:16: road.speed_limit: expected a speed of at least 2.7 km/h "
     "(half a cell per step: slower rounds to 0 cells per step), got \"2 km/h\""},
    {"speed_zone_rounds_to_zero.yaml",
     "speed_zone_rounds_to_zero.yaml:2:42: speed_limits[0].limit: expected a speed of at least "
     "2.7 km/h (half a cell per step: slower rounds to 0 cells per step), got 1"},
    /* 6e7 one-metre cells, one vehicle in each */
    {"initial_too_many_vehicles.yaml",
     "initial_too_many_vehicles.yaml:4:20: initial.density: expected a density that places at "
     "most 50000000 vehicles, got one that places 60000000"},
    /* 100 m + 65535 x 0.2 m = 13207 m */
    {"blockage_too_long.yaml",
     "blockage_too_long.yaml:5:33: blockages[0].to: expected a length up to 13207 m (from + "
     "65535 cells, the longest closed stretch), got 15000"},
    /* 1e7 veh/h for 1e5 s: 2.78e8 arrive; 7.5 m cars at 19 cells per step enter at most 19 / 5
     * = 3 per step, 3e5 in all */
    {"demand_never_enters.yaml",
     "demand_never_enters.yaml:3:20: demand.mainline.flow: expected a demand that leaves at most "
     "50000000 vehicles waiting to enter, got one that leaves at least 2.77e+08 (2.78e+08 arrive "
     "in 100000 s; the entry takes in at most 3 per lane per step)"},
    {"null_value.yaml", "null_value.yaml:2:6: model.dt: expected a time such as 600, \"600 s\" "
                        "or \"10 min\", got an empty value"},
};

#define BAD_COUNT (sizeof BAD / sizeof BAD[0])

Test(loader, each_malformed_file_reports_its_one_problem)
{
    enter("tests/data/bad");
    for (size_t i = 0; i < BAD_COUNT; i++) {
        ls_diags d;
        ls_scenario s;
        ls_diags_clear(&d);
        ls_status st = ls_scenario_load(BAD[i].file, NULL, 0, NULL, 0, &s, &d);
        cr_expect_eq(st, LS_ERR_INPUT, "%s: status %d", BAD[i].file, st);
        cr_expect_eq(d.count, 1, "%s: %d problems, the first: %s", BAD[i].file, d.count,
                     line_of(&d, 0));
        cr_expect_str_eq(line_of(&d, 0), BAD[i].line, "%s", BAD[i].file);
    }
}

Test(loader, every_bad_file_is_in_the_table)
{
    DIR *dir = opendir(ls_test_src("tests/data/bad"));
    cr_assert_not_null(dir);
    size_t files = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.') continue;
        files++;
        bool found = false;
        for (size_t i = 0; i < BAD_COUNT; i++) found = found || !strcmp(BAD[i].file, e->d_name);
        cr_expect(found, "tests/data/bad/%s has no expected line", e->d_name);
    }
    closedir(dir);
    cr_expect_eq(files, BAD_COUNT);
    cr_expect_geq(files, 30);
}

Test(loader, several_problems_are_all_reported_in_file_order)
{
    static const char *const expected[] = {
        "several_problems.yaml:2:11: model.p_slow: expected a number from 0 to 1, got 1.7",
        "several_problems.yaml:3:9: model.rule: expected one of nasch, vdr, newell, got \"nash\"",
        "several_problems.yaml:5:10: road.lanes: expected an integer from 1 to 16, got \"four\"",
        "several_problems.yaml:6:16: road.speed_limit: expected a speed such as 65, \"65 mph\" "
        "or \"100 km/h\", got \"65 mps\"",
        "several_problems.yaml:8:27: vehicles[0].lenght: unknown key \"lenght\" (did you mean "
        "\"length\"?)",
        "several_problems.yaml:10:9: simulation.seed: expected an integer from 0 to "
        "18446744073709551615, got -1",
        "several_problems.yaml:11:1: commute: unknown key \"commute\"",
    };
    enter("tests/data");
    ls_diags d;
    ls_scenario s;
    ls_diags_clear(&d);
    cr_expect_eq(ls_scenario_load("several_problems.yaml", NULL, 0, NULL, 0, &s, &d), LS_ERR_INPUT);
    int n = (int)(sizeof expected / sizeof expected[0]);
    cr_expect_eq(d.count, n);
    for (int i = 0; i < n; i++) cr_expect_str_eq(line_of(&d, i), expected[i]);
}

Test(loader, unreadable_file_is_an_io_error)
{
    ls_diags d;
    ls_scenario s;
    ls_diags_clear(&d);
    ls_status st = ls_scenario_load("/nonexistent/x.yaml", NULL, 0, NULL, 0, &s, &d);
    cr_expect_eq(st, LS_ERR_IO);
    cr_expect_eq(ls_status_exit_code(st), 1);
    cr_expect_str_eq(line_of(&d, 0),
                     "lanesim: cannot read /nonexistent/x.yaml: No such file or directory");
}

/* ---- round trips ---- */

static void decode_text(const char *text, size_t len, ls_scenario *s)
{
    ls_diags d;
    ls_source *src = NULL;
    ls_diags_clear(&d);
    cr_assert_eq(ls_source_parse_string(text, len, "<written>", &src, &d), LS_OK, "%s\n%s",
                 line_of(&d, 0), text);
    cr_assert_eq(ls_scenario_decode(src, s, &d), LS_OK, "%s\n%s", line_of(&d, 0), text);
    ls_source_free(src);
}

static void load_good(const char *file, ls_scenario *s)
{
    ls_diags d;
    ls_diags_clear(&d);
    enter("tests/data/good");
    cr_assert_eq(ls_scenario_load(file, NULL, 0, NULL, 0, s, &d), LS_OK, "%s: %s", file,
                 line_of(&d, 0));
}

#define SAME(f) cr_expect(a->f == b->f, "%s differs", #f)

static void expect_same_vehicle(const ls_vehicle_type_def *a, const ls_vehicle_type_def *b)
{
    cr_expect_str_eq(a->name, b->name);
    SAME(share);
    SAME(length_m);
    SAME(max_speed_kmh);
    SAME(accel_mps2);
    SAME(lanes_mask);
    SAME(speed_factor);
    SAME(speed_dev);
}

static void expect_same_detector(const ls_detector_def *a, const ls_detector_def *b)
{
    cr_expect_str_eq(a->name, b->name);
    SAME(at_m);
    SAME(period_s);
    SAME(lanes_mask);
}

static void expect_same_demand(const ls_demand_def *a, const ls_demand_def *b)
{
    SAME(flow.count);
    for (int i = 0; i < a->flow.count && i < LS_MAX_PROFILE; i++) {
        SAME(flow.points[i].t_s);
        SAME(flow.points[i].flow_vph);
    }
    SAME(lane_split_count);
    for (int i = 0; i < a->lane_split_count && i < LS_MAX_LANES; i++) SAME(lane_split[i]);
    SAME(arrivals);
}

/* Lane changes, friction and blockages. */
static void expect_same_behaviour(const ls_scenario *a, const ls_scenario *b)
{
    SAME(lane_change.enabled);
    SAME(lane_change.keep_right);
    SAME(lane_change.steer_angle_deg);
    SAME(lane_change.lateral_accel_mps2);
    SAME(lane_change.coop_decel_mps2);
    SAME(lane_change.forced_factor);
    SAME(lane_change.p_change);
    SAME(lane_change.min_gain_kmh);
    SAME(lane_change.lookahead_m);
    SAME(lane_change.trick_share);
    SAME(lane_change.trick_gap_m);
    SAME(friction.enabled);
    SAME(friction.coefficient);
    SAME(friction.speed_gap_kmh);
    SAME(friction.range_m);
    SAME(blockage_count);
    for (int i = 0; i < a->blockage_count && i < LS_MAX_BLOCKAGES; i++) {
        SAME(blockages[i].lanes_mask);
        SAME(blockages[i].from_m);
        SAME(blockages[i].to_m);
        SAME(blockages[i].start_s);
        SAME(blockages[i].end_s);
    }
}

/* Ramps, speed limits, lane ends and the field grid. */
static void expect_same_geometry(const ls_scenario *a, const ls_scenario *b)
{
    SAME(ramp_count);
    for (int i = 0; i < a->ramp_count && i < LS_MAX_RAMPS; i++) {
        cr_expect_str_eq(a->ramps[i].name, b->ramps[i].name);
        SAME(ramps[i].kind);
        SAME(ramps[i].at_m);
        SAME(ramps[i].length_m);
        SAME(ramps[i].approach_m);
        SAME(ramps[i].share);
        SAME(ramps[i].flow.count);
        for (int k = 0; k < a->ramps[i].flow.count; k++) {
            SAME(ramps[i].flow.points[k].t_s);
            SAME(ramps[i].flow.points[k].flow_vph);
        }
        SAME(ramps[i].mix_count);
        for (int k = 0; k < a->ramps[i].mix_count; k++) SAME(ramps[i].mix[k]);
    }
    SAME(speed_zone_count);
    for (int i = 0; i < a->speed_zone_count && i < LS_MAX_SPEED_ZONES; i++) {
        SAME(speed_zones[i].from_m);
        SAME(speed_zones[i].to_m);
        SAME(speed_zones[i].limit_kmh);
    }
    SAME(lane_drop_count);
    for (int i = 0; i < a->lane_drop_count && i < LS_MAX_LANE_ENDS; i++) {
        SAME(lane_drops[i].lane);
        SAME(lane_drops[i].at_m);
    }
    SAME(lane_add_count);
    for (int i = 0; i < a->lane_add_count && i < LS_MAX_LANE_ENDS; i++) {
        SAME(lane_adds[i].lane);
        SAME(lane_adds[i].at_m);
    }
    SAME(lane_change.exit_lookahead_m);
    SAME(lane_change.exit_lookahead_dev_m);
    SAME(field.segment_m);
    SAME(field.period_s);
    SAME(field.queue_speed_kmh);
}

/* Field by field: padding and unused slots do not matter. */
static void expect_same(const ls_scenario *a, const ls_scenario *b)
{
    cr_expect_str_eq(a->name, b->name);
    cr_expect_str_eq(a->description, b->description);
    SAME(model.cell_length_m);
    SAME(model.dt_s);
    SAME(model.rule);
    SAME(model.p_slow);
    SAME(model.p_slow_start);
    SAME(road.length_m);
    SAME(road.lanes);
    SAME(road.ring);
    SAME(road.speed_limit_kmh);
    SAME(road.lane_width_m);
    SAME(vehicle_type_count);
    for (int i = 0; i < a->vehicle_type_count && i < LS_MAX_VEHICLE_TYPES; i++)
        expect_same_vehicle(&a->vehicle_types[i], &b->vehicle_types[i]);
    SAME(initial.density);
    SAME(initial.per_km);
    expect_same_demand(&a->mainline, &b->mainline);
    SAME(detector_count);
    for (int i = 0; i < a->detector_count && i < LS_MAX_DETECTORS; i++)
        expect_same_detector(&a->detectors[i], &b->detectors[i]);
    expect_same_behaviour(a, b);
    expect_same_geometry(a, b);
    SAME(simulation.duration_s);
    SAME(simulation.warmup_s);
    SAME(simulation.seed);
    SAME(simulation.start_time_s);
}

#define DIFF(f) cr_expect(a->f != b->f, "%s has its default value", #f)

static void expect_vehicle_differs(const ls_vehicle_type_def *a, const ls_vehicle_type_def *b)
{
    cr_expect_str_neq(a->name, b->name);
    DIFF(share);
    DIFF(length_m);
    DIFF(max_speed_kmh);
    DIFF(accel_mps2);
    DIFF(lanes_mask);
    DIFF(speed_factor);
    DIFF(speed_dev);
}

/* Every field of `a` differs from the default `b`: the file really sets every key. */
static void expect_every_field_differs(const ls_scenario *a, const ls_scenario *b)
{
    cr_expect_str_neq(a->name, b->name);
    cr_expect_str_neq(a->description, b->description);
    DIFF(model.cell_length_m);
    DIFF(model.dt_s);
    DIFF(model.rule);
    DIFF(model.p_slow);
    DIFF(model.p_slow_start);
    DIFF(road.length_m);
    DIFF(road.lanes);
    DIFF(road.ring);
    DIFF(road.speed_limit_kmh);
    DIFF(road.lane_width_m);
    DIFF(vehicle_type_count);
    for (int i = 0; i < a->vehicle_type_count; i++)
        expect_vehicle_differs(&a->vehicle_types[i], &b->vehicle_types[0]);
    DIFF(initial.density);
    DIFF(initial.per_km);
    DIFF(mainline.flow.count);
    DIFF(mainline.lane_split_count);
    DIFF(mainline.arrivals);
    DIFF(detector_count);
    for (int i = 0; i < a->detector_count; i++) {
        cr_expect_neq(a->detectors[i].period_s, 60);
        cr_expect_neq(a->detectors[i].lanes_mask, 0);
    }
    DIFF(lane_change.enabled);
    DIFF(lane_change.keep_right);
    DIFF(lane_change.steer_angle_deg);
    DIFF(lane_change.lateral_accel_mps2);
    DIFF(lane_change.coop_decel_mps2);
    DIFF(lane_change.forced_factor);
    DIFF(lane_change.p_change);
    DIFF(lane_change.min_gain_kmh);
    DIFF(lane_change.lookahead_m);
    DIFF(lane_change.trick_share);
    DIFF(lane_change.trick_gap_m);
    DIFF(friction.enabled);
    DIFF(friction.coefficient);
    DIFF(friction.speed_gap_kmh);
    DIFF(friction.range_m);
    DIFF(blockage_count);
    cr_expect_neq(a->blockages[0].start_s, 0);
    cr_expect_neq(a->blockages[0].end_s, 1e9);
    DIFF(simulation.duration_s);
    DIFF(simulation.warmup_s);
    DIFF(simulation.seed);
    DIFF(simulation.start_time_s);
}

/* decode -> YAML -> decode gives the same scenario, and writing again gives the same text. */
static void expect_round_trip(const ls_scenario *s)
{
    char *text = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    ls_scenario back, back2;
    cr_assert_eq(ls_scenario_to_yaml(s, &text, &len), LS_OK);
    cr_expect_eq(strlen(text), len);
    decode_text(text, len, &back);
    expect_same(s, &back);
    cr_assert_eq(ls_scenario_to_yaml(&back, &again, &len2), LS_OK);
    cr_expect_str_eq(again, text);
    decode_text(again, len2, &back2);
    expect_same(&back, &back2);
    free(text);
    free(again);
}

Test(loader, every_key_round_trips)
{
    ls_scenario s, def;
    load_good("every-key.yaml", &s);
    ls_scenario_defaults(&def);
    expect_every_field_differs(&s, &def);
    expect_round_trip(&s);
}

/* The keys a ring cannot have, on an open road: each differs from its default, and all
 * round-trip. */
Test(loader, ramp_keys_round_trip)
{
    ls_scenario s, def;
    load_good("ramps.yaml", &s);
    ls_scenario_defaults(&def);
    const ls_scenario *a = &s, *b = &def;
    cr_expect_eq(a->ramp_count, 2);
    cr_expect_eq(a->ramps[0].kind, LS_RAMP_ON);
    cr_expect_eq(a->ramps[1].kind, LS_RAMP_OFF);
    cr_expect_neq(a->ramps[0].length_m, 250);
    cr_expect_neq(a->ramps[0].approach_m, 150);
    cr_expect_eq(a->ramps[0].flow.points[1].flow_vph, 720);
    cr_expect_eq(a->ramps[0].mix_count, 2);
    cr_expect_neq(a->ramps[1].share, 0);
    cr_expect_eq(a->speed_zone_count, 1);
    cr_expect(fabs(a->speed_zones[0].limit_kmh - 80.4672) < 1e-9);
    cr_expect_eq(a->lane_drop_count, 1);
    cr_expect_eq(a->lane_add_count, 1);
    DIFF(lane_change.exit_lookahead_m);
    DIFF(lane_change.exit_lookahead_dev_m);
    DIFF(field.segment_m);
    DIFF(field.period_s);
    DIFF(field.queue_speed_kmh);
    expect_round_trip(&s);
}

Test(loader, every_key_is_converted_to_its_default_unit)
{
    ls_scenario s;
    load_good("every-key.yaml", &s);
    cr_expect(fabs(s.road.length_m - 4988.9664) < 1e-9);
    cr_expect_eq(s.road.speed_limit_kmh, 88.51392);
    cr_expect_eq(s.road.lane_width_m, 3.6576); /* 12 ft, rounded once */
    cr_expect_str_eq(s.vehicle_types[0].name, "sedan");
    cr_expect_eq(s.vehicle_types[0].lanes_mask, 0x7u);
    cr_expect_eq(s.vehicle_types[1].lanes_mask, 0xCu);
    cr_expect_eq(s.vehicle_types[1].max_speed_kmh, 90);
    cr_expect(s.initial.per_km);
    cr_expect(fabs(s.initial.density - 40 / 1.609344) < 1e-12);
    cr_expect_eq(s.mainline.flow.points[1].t_s, 600);
    cr_expect_eq(s.mainline.arrivals, LS_ARRIVALS_REGULAR);
    cr_expect_eq(s.detectors[0].at_m, 1000);
    cr_expect_eq(s.detectors[0].period_s, 300);
    cr_expect_eq(s.simulation.duration_s, 7200);
    cr_expect_eq(s.simulation.seed, UINT64_MAX);
    cr_expect_str_eq(s.description,
                     "Sets every key: \"quoted\", unicode (\xC3\xA9), a tab\tand a backslash \\");
}

Test(loader, defaults_round_trip)
{
    ls_scenario def;
    ls_scenario_defaults(&def);
    cr_expect_eq(def.vehicle_type_count, 1);
    cr_expect_str_eq(def.vehicle_types[0].name, "car");
    cr_expect_eq(def.vehicle_types[0].share, 1);
    cr_expect_eq(def.road.speed_limit_kmh, 104.60736);
    cr_expect_eq(def.mainline.flow.count, 1);
    expect_round_trip(&def);
}

Test(loader, good_files_round_trip)
{
    const char *files[] = {"every-key.yaml", "profile.yaml", "minimal.yaml", "ramps.yaml"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        ls_scenario s;
        load_good(files[i], &s);
        expect_round_trip(&s);
    }
}

Test(loader, text_without_a_file)
{
    const char *text = "road: {lanes: 3}\nmodel: {dt: two}\n";
    ls_diags d;
    ls_scenario s;
    ls_diags_clear(&d);
    cr_expect_eq(ls_scenario_load(NULL, text, strlen(text), NULL, 0, &s, &d), LS_ERR_INPUT);
    cr_expect_str_eq(line_of(&d, 0), "<string>:2:13: model.dt: expected a time such as 600, "
                                     "\"600 s\" or \"10 min\", got \"two\"");
}

/* ---- --set ---- */

static ls_status load_set(const char *const *sets, int n, ls_scenario *s, ls_diags *d)
{
    ls_diags_clear(d);
    enter("tests/data/good");
    return ls_scenario_load("every-key.yaml", NULL, 0, sets, n, s, d);
}

Test(set, valid_overrides_change_the_value)
{
    const char *sets[] = {
        "model.p_slow=0.3",
        "road.speed_limit=65 mph",
        "road.ring=false",
        "demand.mainline.flow=7200",
        "demand.mainline.lane_split=[0.3,0.3,0.2,0.2]",
        "demand.mainline.lane_split[3]=0.2",
        "vehicles[1].share=0.2",
        "vehicles[0].share=0.8",
        "simulation.seed=7",
        "name=overridden",
        "detectors[1]={name: exit, at: 4900}",
        "initial.density=0.01",
    };
    ls_scenario s;
    ls_diags d;
    cr_assert_eq(load_set(sets, sizeof sets / sizeof sets[0], &s, &d), LS_OK, "%s", line_of(&d, 0));
    cr_expect_eq(s.model.p_slow, 0.3);
    cr_expect_eq(s.road.speed_limit_kmh, 104.60736);
    cr_expect(!s.road.ring);
    cr_expect_eq(s.mainline.flow.count, 1);
    cr_expect_eq(s.mainline.flow.points[0].flow_vph, 7200);
    cr_expect_eq(s.mainline.lane_split[0], 0.3);
    cr_expect_eq(s.vehicle_types[1].share, 0.2);
    cr_expect_eq(s.simulation.seed, 7);
    cr_expect_str_eq(s.name, "overridden");
    cr_expect_str_eq(s.detectors[1].name, "exit");
    cr_expect_eq(s.detectors[1].period_s, 60);
    cr_expect(!s.initial.per_km);
}

Test(set, missing_mappings_are_created)
{
    const char *sets[] = {"demand.mainline.flow=30 veh/min", "model.dt=0.5"};
    ls_scenario s;
    ls_diags d;
    ls_diags_clear(&d);
    const char *text = "{}";
    cr_assert_eq(ls_scenario_load(NULL, text, 2, sets, 2, &s, &d), LS_OK, "%s", line_of(&d, 0));
    cr_expect_eq(s.mainline.flow.points[0].flow_vph, 1800);
    cr_expect_eq(s.model.dt_s, 0.5);
}

typedef struct set_case {
    const char *set;
    const char *line;
} set_case;

static const set_case SET_BAD[] = {
    {"model.p_slow=1.7", "lanesim: --set model.p_slow=1.7: expected a number from 0 to 1, got 1.7"},
    {"model.p_slwo=0.3", "lanesim: --set model.p_slwo=0.3: unknown key \"p_slwo\" (did you mean "
                         "\"p_slow\"?)"},
    {"=3", "lanesim: --set =3: expected a key before \"=\", such as model.p_slow=0.3"},
    {"model.p_slow", "lanesim: --set model.p_slow: expected KEY=VALUE, such as model.p_slow=0.3"},
    {"vehicles[2].share=0.1",
     "lanesim: --set vehicles[2].share=0.1: vehicles: expected an index from 0 to 1, got 2"},
    {"ramps[0].flow=900", "lanesim: --set ramps[0].flow=900: ramps: expected a sequence, got "
                          "nothing (the key is not set)"},
    {"road.lanes=four",
     "lanesim: --set road.lanes=four: expected an integer from 1 to 16, got \"four\""},
    {"road.lanes=17", "lanesim: --set road.lanes=17: expected an integer from 1 to 16, got 17"},
    {"road.lanes.x=1", "lanesim: --set road.lanes.x=1: road.lanes: expected a mapping, got 4"},
    {"road.length[0]=1",
     "lanesim: --set road.length[0]=1: road.length: expected a sequence, got \"3.1 mi\""},
    {"a..b=1", "lanesim: --set a..b=1: expected a key such as model.p_slow or "
               "vehicles[1].share, got \"a..b\""},
    {"vehicles[x].share=1", "lanesim: --set vehicles[x].share=1: expected a key such as "
                            "model.p_slow or vehicles[1].share, got \"vehicles[x].share\""},
    {" model.dt=1", "lanesim: --set  model.dt=1: expected a key such as model.p_slow or "
                    "vehicles[1].share, got \" model.dt\""},
    {"model.p_slow=[1", "lanesim: --set model.p_slow=[1: did not find expected ',' or ']'"},
    {"model.p_slow=&a 1", "lanesim: --set model.p_slow=&a 1: YAML anchors (&a) are not "
                          "supported; write the value out"},
    {"model.p_slow=", "lanesim: --set model.p_slow=: expected a number from 0 to 1, got an "
                      "empty value"},
    {"road.speed_limit=55 mps", "lanesim: --set road.speed_limit=55 mps: expected a speed such "
                                "as 65, \"65 mph\" or \"100 km/h\", got \"55 mps\""},
    {"demand.mainline.lane_split=[0.3,0.3,0.2,0.3]",
     "lanesim: --set demand.mainline.lane_split=[0.3,0.3,0.2,0.3]: expected lane shares that "
     "sum to 1, got a sum of 1.1"},
    {"demand.mainline.lane_split[1]=1.5", "lanesim: --set demand.mainline.lane_split[1]=1.5: "
                                          "expected a number from 0 to 1, got 1.5"},
    {"demand.mainline.lane_split=[0.5,0.5,x,0]",
     "lanesim: --set demand.mainline.lane_split=[0.5,0.5,x,0]: demand.mainline.lane_split[2]: "
     "expected a number from 0 to 1, got \"x\""},
    {"model={dt: 1, dt: 2}", "lanesim: --set model={dt: 1, dt: 2}: model.dt: duplicate key "
                             "\"dt\""},
};

Test(set, bad_overrides_give_one_line_each)
{
    for (size_t i = 0; i < sizeof SET_BAD / sizeof SET_BAD[0]; i++) {
        ls_scenario s;
        ls_diags d;
        const char *sets[] = {SET_BAD[i].set};
        cr_expect_eq(load_set(sets, 1, &s, &d), LS_ERR_INPUT, "%s", SET_BAD[i].set);
        cr_expect_eq(d.count, 1, "%s: %d problems, the first: %s", SET_BAD[i].set, d.count,
                     line_of(&d, 0));
        cr_expect_str_eq(line_of(&d, 0), SET_BAD[i].line);
    }
}

Test(set, a_set_value_is_checked_like_the_file)
{
    ls_scenario s;
    ls_diags from_set, from_file;
    const char *sets[] = {"road.lanes=99999999999999999999999"};
    load_set(sets, 1, &s, &from_set);
    ls_diags_clear(&from_file);
    enter("tests/data/bad");
    ls_scenario_load("huge_integer.yaml", NULL, 0, NULL, 0, &s, &from_file);
    cr_assert_eq(from_set.count, 1);
    cr_assert_eq(from_file.count, 1);
    cr_expect_str_eq(from_set.items[0].message, from_file.items[0].message);
    cr_expect_str_eq(from_set.items[0].path, from_file.items[0].path);
}

Test(set, clones_take_different_overrides)
{
    ls_diags d;
    ls_source *src = NULL;
    ls_diags_clear(&d);
    enter("tests/data/good");
    cr_assert_eq(ls_source_parse_file("every-key.yaml", &src, &d), LS_OK);
    ls_source *a = ls_source_clone(src), *b = ls_source_clone(src);
    cr_assert(a && b);
    cr_assert_eq(ls_source_set(a, "model.p_slow=0.1", &d), LS_OK);
    cr_assert_eq(ls_source_set(b, "model.p_slow=0.9", &d), LS_OK);
    cr_assert_eq(ls_source_set(b, "road.lanes=five", &d), LS_OK); /* checked when decoded */
    ls_scenario sa, sb, s0;
    cr_expect_eq(ls_scenario_decode(a, &sa, &d), LS_OK);
    cr_expect_eq(ls_scenario_decode(src, &s0, &d), LS_OK);
    cr_expect_eq(ls_scenario_decode(b, &sb, &d), LS_ERR_INPUT);
    cr_expect_eq(sa.model.p_slow, 0.1);
    cr_expect_eq(s0.model.p_slow, 0.25);
    cr_expect_eq(d.count, 1);
    cr_expect_str_eq(line_of(&d, 0),
                     "lanesim: --set road.lanes=five: expected an integer from 1 to 16, got "
                     "\"five\"");
    ls_source_free(a);
    ls_source_free(b);
    ls_source_free(src);
}

/* ---- diagnostics ---- */

Test(diag, the_four_line_forms)
{
    ls_diags d;
    char buf[512];
    ls_diags_clear(&d);
    ls_diags_add(&d, "f.yaml:3:5", "road.lanes", "expected %s", "x");
    ls_diags_add(&d, "--set model.p_slow=1.7", "model.p_slow", "bad");
    ls_diags_add(&d, "--set road={lanes: 0}", "road.lanes", "bad");
    ls_diags_add(&d, "", "road.lanes", "no text");
    ls_diags_add(&d, "", "", "out of memory");
    ls_diags_add(&d, "f.yaml:1:1", "", "syntax\nerror");
    ls_diags_add(&d, "--duration 0.5", "simulation.duration", "too short");
    const char *expected[] = {
        "f.yaml:3:5: road.lanes: expected x",
        "lanesim: --set model.p_slow=1.7: bad",
        "lanesim: --set road={lanes: 0}: road.lanes: bad",
        "lanesim: road.lanes: no text",
        "lanesim: out of memory",
        "f.yaml:1:1: syntax error",
        "lanesim: --duration 0.5: simulation.duration: too short",
    };
    for (int i = 0; i < 7; i++) {
        int n = ls_diag_format(&d.items[i], buf, sizeof buf);
        cr_expect_str_eq(buf, expected[i]);
        cr_expect_eq(n, (int)strlen(expected[i]));
    }
    ls_diags_add(NULL, "", "", "ignored");
}

Test(diag, the_list_is_bounded)
{
    ls_diags d;
    ls_diags_clear(&d);
    for (int i = 0; i < LS_DIAG_MAX + 6; i++) ls_diags_add(&d, "", "", "%d", i);
    cr_expect_eq(d.count, LS_DIAG_MAX);
    cr_expect_eq(d.dropped, 6);
}

Test(diag, statuses)
{
    cr_expect_eq(ls_status_exit_code(LS_OK), 0);
    cr_expect_eq(ls_status_exit_code(LS_ERR_INPUT), 2);
    cr_expect_eq(ls_status_exit_code(LS_ERR_IO), 1);
    cr_expect_eq(ls_status_exit_code(LS_ERR_NOMEM), 1);
    cr_expect_eq(ls_status_exit_code(LS_ERR_LIMIT), 1);
    cr_expect_eq(ls_status_exit_code(LS_ERR_INTERNAL), 1);
    cr_expect_str_eq(ls_status_name(LS_ERR_INPUT), "invalid input");
}

/* ---- limits and hostile input ---- */

static ls_status parse_only(const char *text, size_t len, ls_diags *d)
{
    ls_source *src = NULL;
    ls_diags_clear(d);
    ls_status st = ls_source_parse_string(text, len, "x.yaml", &src, d);
    ls_source_free(src);
    return st;
}

Test(limits, input_of_more_than_16_mib)
{
    size_t n = (16u << 20) + 1;
    char *big = malloc(n);
    cr_assert_not_null(big);
    memset(big, ' ', n);
    ls_diags d;
    cr_expect_eq(parse_only(big, n, &d), LS_ERR_INPUT);
    cr_expect_str_eq(line_of(&d, 0), "lanesim: x.yaml is larger than 16 MiB");
    free(big);
}

Test(limits, more_than_a_million_nodes)
{
    size_t items = 1000000, n = 4 + 2 * items + 2;
    char *text = malloc(n);
    cr_assert_not_null(text);
    memcpy(text, "x: [", 4);
    for (size_t i = 0; i < items; i++) memcpy(text + 4 + 2 * i, "0,", 2);
    memcpy(text + 4 + 2 * items, "0]", 2);
    ls_diags d;
    cr_expect_eq(parse_only(text, n, &d), LS_ERR_INPUT);
    cr_expect_eq(d.count, 1);
    cr_expect(strstr(line_of(&d, 0), "more than 1000000 YAML nodes") != NULL, "%s", line_of(&d, 0));
    free(text);
}

Test(limits, many_keys_in_one_mapping)
{
    /* Duplicate detection sorts: 100000 keys cost little; the one duplicate is found. */
    size_t keys = 100000, cap = keys * 16 + 32, n = 0;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    for (size_t i = 0; i < keys; i++) n += (size_t)snprintf(text + n, cap - n, "k%zu: 1\n", i);
    n += (size_t)snprintf(text + n, cap - n, "k7: 2\n");
    ls_diags d;
    cr_expect_eq(parse_only(text, n, &d), LS_ERR_INPUT);
    cr_expect_str_eq(line_of(&d, 0), "x.yaml:100001:1: k7: duplicate key \"k7\" (first at line 8)");
    free(text);
}

static uint32_t g_lcg = 12345;

static uint32_t next_random(void)
{
    g_lcg = g_lcg * 1103515245u + 12345u;
    return g_lcg >> 8;
}

/* Mutated scenarios (bytes flipped, cut, repeated) must never crash, leak or print more than
 * one line per problem; the sanitizer build runs this too. */
Test(limits, mutated_files_are_rejected_cleanly)
{
    size_t len = 0;
    char *orig = ls_test_read(ls_test_src("tests/data/good/every-key.yaml"), &len);
    cr_assert_not_null(orig);
    char *buf = malloc(len * 2 + 1);
    for (int round = 0; round < 2000; round++) {
        size_t n = len;
        memcpy(buf, orig, len);
        for (int k = 0, edits = 1 + (int)(next_random() % 4); k < edits; k++) {
            size_t pos = next_random() % n;
            switch (next_random() % 3) {
            case 0:
                buf[pos] = (char)(next_random() & 0xFF);
                break;
            case 1:
                n = pos;
                break;
            default:
                buf[pos] = "[]{}:,-&*!\t\n'\"#"[next_random() % 15];
                break;
            }
            if (n == 0) break;
        }
        ls_diags d;
        ls_source *src = NULL;
        ls_diags_clear(&d);
        if (ls_source_parse_string(buf, n, "m.yaml", &src, &d) == LS_OK) {
            ls_scenario s;
            ls_status st = ls_scenario_decode(src, &s, &d);
            cr_expect(st == LS_OK || st == LS_ERR_INPUT);
            ls_source_free(src);
        }
        for (int i = 0; i < d.count; i++) cr_expect(strchr(line_of(&d, i), '\n') == NULL);
    }
    free(buf);
    free(orig);
}

/* ---- the reference documentation ---- */

static void expect_documented(const char *doc, const ls_schema *sch)
{
    for (size_t i = 0; i < sch->count; i++) {
        char key[80];
        snprintf(key, sizeof key, "`%s`", sch->fields[i].name);
        cr_expect(strstr(doc, key) != NULL, "docs/scenarios.md does not mention %s", key);
        if (sch->fields[i].sub) expect_documented(doc, sch->fields[i].sub);
    }
}

Test(docs, every_key_is_documented)
{
    char *doc = ls_test_read(ls_test_src("docs/scenarios.md"), NULL);
    cr_assert_not_null(doc);
    expect_documented(doc, &ls_scenario_schema);
    free(doc);
}

/* ---- a demand above what the entry admits: every arrival waits, none is cut ---- */

static const char HUGE_DEMAND[] = "road: {length: 1000, lanes: 1}\n"
                                  "vehicles: [{type: car}]\n"
                                  "demand: {mainline: {flow: 5000000}}\n"
                                  "simulation: {duration: 60}\n";

/* The arrival times of every vehicle the world holds, by id (the order they joined). */
static size_t arrival_times_by_id(const ls_world *w, double *t, size_t cap)
{
    size_t n = 0;
    for (uint32_t h = 0; h < (1u << 18); h++) {
        ls_vehicle_info v;
        if (ls_world_vehicle(w, h, &v) != LS_OK) continue;
        if (v.id >= 1 && v.id <= cap) t[v.id - 1] = v.arrival_s;
        n++;
    }
    return n;
}

/* 5e6 veh/h for 60 s is 83333.3 arrivals (Poisson: standard deviation 289): far more than the
 * one lane admits, and far more than one chunk (256) per step. All must be counted, arrive in
 * time order, and spread uniformly within their step (the share in the first quarter of a step
 * is 1/4, standard deviation sqrt(3/16 / n) = 0.0015). */
Test(demand, every_arrival_of_a_huge_demand_waits)
{
    ls_scenario s;
    ls_test_scenario(HUGE_DEMAND, NULL, 0, &s);
    ls_world *w = ls_test_world(&s);
    while (!ls_world_done(w)) cr_assert_eq(ls_world_step(w), LS_OK);
    ls_counts c = ls_world_counts(w);
    double expected = 5e6 / 3600 * 60;
    cr_expect(fabs((double)c.arrived - expected) < 5 * sqrt(expected), "%llu arrived",
              (unsigned long long)c.arrived);
    cr_expect_eq(c.arrived, c.entered + c.waiting);
    cr_expect_eq(c.entered, c.inside + c.exited);
    size_t cap = (size_t)c.arrived;
    double *t = malloc(cap * sizeof *t);
    cr_assert_not_null(t);
    for (size_t i = 0; i < cap; i++) t[i] = -1;
    cr_expect_eq(arrival_times_by_id(w, t, cap), cap - c.exited);
    size_t early = 0, held = 0, out_of_order = 0;
    double last = 0;
    for (size_t i = 0; i < cap; i++) {
        if (t[i] < 0) continue; /* left the road */
        early += t[i] - floor(t[i]) < 0.25;
        out_of_order += t[i] < last;
        last = t[i];
        held++;
    }
    cr_expect_eq(out_of_order, 0);
    double share = (double)early / (double)held;
    cr_expect(fabs(share - 0.25) < 5 * sqrt(0.1875 / (double)held), "%.4f in the first quarter",
              share);
    free(t);
    ls_world_destroy(w);
}

/* Regular arrivals: exactly the integral, 83333 whole vehicles. */
Test(demand, every_regular_arrival_of_a_huge_demand_waits)
{
    ls_scenario s;
    const char *sets[] = {"demand.mainline.arrivals=regular"};
    ls_test_scenario(HUGE_DEMAND, sets, 1, &s);
    ls_world *w = ls_test_world(&s);
    while (!ls_world_done(w)) cr_assert_eq(ls_world_step(w), LS_OK);
    ls_counts c = ls_world_counts(w);
    cr_expect_eq(c.arrived, 83333);
    cr_expect_eq(c.arrived, c.entered + c.waiting);
    ls_world_destroy(w);
}
