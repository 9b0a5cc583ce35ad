/* test_units.c: numbers with units, conversions to the default units, and cell rounding. */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lanesim/scenario.h"
#include "units.h"

static double quantity(const char *text, ls_unit_kind kind)
{
    double v = -12345;
    ls_parse_result r = ls_parse_quantity(text, strlen(text), kind, &v, NULL);
    cr_assert_eq(r, LS_PARSE_OK, "\"%s\" should parse", text);
    return v;
}

static ls_parse_result parse(const char *text, ls_unit_kind kind)
{
    double v;
    bool per_km;
    return ls_parse_quantity(text, strlen(text), kind, &v, &per_km);
}

Test(units, speed_to_cells_per_step)
{
    /* 65 mph on 1.5 m cells and 1 s steps: 29.0576 m/s = 19.37 cells -> 19 */
    double kmh = quantity("65 mph", LS_UNIT_SPEED);
    cr_expect_eq(kmh, 104.60736);
    cr_expect_eq(ls_round_cells(ls_kmh_to_mps(kmh) * 1.0 / 1.5), 19);
    /* 135 km/h on 7.5 m cells is 37.5 m/s, exactly 5 cells, not 4.9999 */
    double fast = quantity("135 km/h", LS_UNIT_SPEED);
    cr_expect_eq(ls_kmh_to_mps(fast), 37.5);
    cr_expect_eq(ls_kmh_to_mps(fast) / 7.5, 5.0);
    cr_expect_eq(ls_round_cells(ls_kmh_to_mps(fast) * 1.0 / 7.5), 5);
    cr_expect_eq(ls_kmh_to_mps(36), 10.0);
}

Test(units, every_unit_converts_to_the_default)
{
    cr_expect(fabs(quantity("3.1 mi", LS_UNIT_LENGTH) - 4988.9664) < 1e-9);
    cr_expect_eq(quantity("300 ft", LS_UNIT_LENGTH), 91.44);
    cr_expect_eq(quantity("1.5 km", LS_UNIT_LENGTH), 1500);
    cr_expect_eq(quantity("12 m", LS_UNIT_LENGTH), 12);
    cr_expect_eq(quantity("12", LS_UNIT_LENGTH), 12);
    cr_expect_eq(quantity("40 veh/min", LS_UNIT_FLOW), 2400);
    cr_expect_eq(quantity("2 veh/s", LS_UNIT_FLOW), 7200);
    cr_expect_eq(quantity("1800 veh/h", LS_UNIT_FLOW), 1800);
    cr_expect_eq(quantity("10 min", LS_UNIT_TIME), 600);
    cr_expect_eq(quantity("2 h", LS_UNIT_TIME), 7200);
    cr_expect_eq(quantity("90 s", LS_UNIT_TIME), 90);
    cr_expect_eq(quantity("10 m/s", LS_UNIT_SPEED), 36);
    cr_expect_eq(quantity("100 kph", LS_UNIT_SPEED), 100);
    cr_expect_eq(quantity("1.5 m/s^2", LS_UNIT_ACCEL), 1.5);
    cr_expect_eq(quantity("0.25", LS_UNIT_NONE), 0.25);
}

Test(units, spelling_of_numbers)
{
    cr_expect_eq(quantity("65mph", LS_UNIT_SPEED), 104.60736); /* the space is optional */
    cr_expect_eq(quantity("  7.5  ", LS_UNIT_LENGTH), 7.5);
    cr_expect_eq(quantity("+.5", LS_UNIT_NONE), 0.5);
    cr_expect_eq(quantity("1.5e3 m", LS_UNIT_LENGTH), 1500);
    cr_expect_eq(quantity("5.", LS_UNIT_NONE), 5);
    cr_expect_eq(quantity("1e-400", LS_UNIT_NONE), 0); /* underflow is zero, not an error */
}

Test(units, density_per_cell_or_per_km)
{
    double v;
    bool per_km = true;
    cr_assert_eq(ls_parse_quantity("0.1", 3, LS_UNIT_DENSITY, &v, &per_km), LS_PARSE_OK);
    cr_expect_eq(v, 0.1);
    cr_expect(!per_km);
    cr_assert_eq(ls_parse_quantity("40 veh/km", 9, LS_UNIT_DENSITY, &v, &per_km), LS_PARSE_OK);
    cr_expect_eq(v, 40);
    cr_expect(per_km);
    cr_assert_eq(ls_parse_quantity("40 veh/mi", 9, LS_UNIT_DENSITY, &v, &per_km), LS_PARSE_OK);
    cr_expect(fabs(v - 40 / 1.609344) < 1e-12);
    cr_expect(per_km);
}

Test(units, rejects_what_is_not_a_plain_decimal_number)
{
    const char *bad[] = {"",     " ",     "nan", "NaN",  ".nan", "inf",   "-inf",
                         ".inf", "1e",    ".",   "+",    "0x10", "0x1p3", "12abc",
                         "1,5",  "1.5.2", "- 1", "1 e5", "five", "1_000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(parse(bad[i], LS_UNIT_LENGTH), LS_PARSE_SYNTAX, "\"%s\"", bad[i]);
    cr_expect_eq(ls_parse_quantity("12\0 m", 5, LS_UNIT_LENGTH, &(double){0}, NULL),
                 LS_PARSE_SYNTAX);
}

Test(units, rejects_unknown_and_misplaced_units)
{
    cr_expect_eq(parse("65 mps", LS_UNIT_SPEED), LS_PARSE_SYNTAX);
    cr_expect_eq(parse("65 MPH", LS_UNIT_SPEED), LS_PARSE_SYNTAX); /* case-sensitive */
    cr_expect_eq(parse("65 km", LS_UNIT_SPEED), LS_PARSE_SYNTAX);  /* a length, not a speed */
    cr_expect_eq(parse("0.5 m", LS_UNIT_NONE), LS_PARSE_SYNTAX);   /* dimensionless */
    cr_expect_eq(parse("40 veh/h", LS_UNIT_DENSITY), LS_PARSE_SYNTAX);
    cr_expect_eq(parse("0.1 veh/cell", LS_UNIT_DENSITY), LS_PARSE_SYNTAX);
    cr_expect_eq(parse("10 mins", LS_UNIT_TIME), LS_PARSE_SYNTAX);
    cr_expect_eq(parse("10 min junk", LS_UNIT_TIME), LS_PARSE_SYNTAX);
}

Test(units, rejects_magnitudes_a_double_cannot_hold)
{
    cr_expect_eq(parse("1e400", LS_UNIT_LENGTH), LS_PARSE_RANGE);
    cr_expect_eq(parse("-1e400", LS_UNIT_LENGTH), LS_PARSE_RANGE);
    cr_expect_eq(parse("1e308 mi", LS_UNIT_LENGTH), LS_PARSE_RANGE); /* overflows in conversion */
    char digits[400];
    memset(digits, '9', sizeof digits - 1);
    digits[sizeof digits - 1] = 0;
    cr_expect_eq(parse(digits, LS_UNIT_NONE), LS_PARSE_RANGE);
}

Test(units, integers)
{
    long long v = 0;
    cr_expect_eq(ls_parse_int("4", 1, &v), LS_PARSE_OK);
    cr_expect_eq(v, 4);
    cr_expect_eq(ls_parse_int("-3", 2, &v), LS_PARSE_OK);
    cr_expect_eq(v, -3);
    cr_expect_eq(ls_parse_int("+0004", 5, &v), LS_PARSE_OK);
    cr_expect_eq(v, 4);
    cr_expect_eq(ls_parse_int("4.0", 3, &v), LS_PARSE_SYNTAX);
    cr_expect_eq(ls_parse_int("1e3", 3, &v), LS_PARSE_SYNTAX);
    cr_expect_eq(ls_parse_int("four", 4, &v), LS_PARSE_SYNTAX);
    cr_expect_eq(ls_parse_int("", 0, &v), LS_PARSE_SYNTAX);
    cr_expect_eq(ls_parse_int("99999999999999999999999", 23, &v), LS_PARSE_RANGE);
    const char *zeros = "000000000000000000000000000000000000000000000000000000000007";
    cr_expect_eq(ls_parse_int(zeros, strlen(zeros), &v), LS_PARSE_OK);
    cr_expect_eq(v, 7);
}

Test(units, unsigned_64_bit_seeds)
{
    uint64_t v = 0;
    cr_expect_eq(ls_parse_u64("18446744073709551615", 20, &v), LS_PARSE_OK);
    cr_expect_eq(v, UINT64_MAX);
    cr_expect_eq(ls_parse_u64("18446744073709551616", 20, &v), LS_PARSE_RANGE);
    cr_expect_eq(ls_parse_u64("-1", 2, &v), LS_PARSE_RANGE);
    cr_expect_eq(ls_parse_u64("1.5", 3, &v), LS_PARSE_RANGE);
    cr_expect_eq(ls_parse_u64("seed", 4, &v), LS_PARSE_SYNTAX);
}

Test(units, rounding_to_cells)
{
    cr_expect_eq(ls_round_cells(4.9999999999), 5);
    cr_expect_eq(ls_round_cells(5.0000000001), 5);
    cr_expect_eq(ls_round_cells(4.5), 5); /* ties up */
    cr_expect_eq(ls_round_cells(4.4999999999), 5);
    cr_expect_eq(ls_round_cells(4.49), 4);
    cr_expect_eq(ls_round_cells(19.3717), 19);
    cr_expect_eq(ls_round_cells(0.49), 0);
    cr_expect_eq(ls_round_cells(0.5), 1);
    cr_expect_eq(ls_round_cells(NAN), 0);
    cr_expect_eq(ls_round_cells(1e300), INT_MAX);
    cr_expect_eq(ls_round_cells(-1e300), INT_MIN);
}

Test(units, numbers_are_written_shortest_and_exact)
{
    char buf[40];
    const double values[] = {0.1, 104.60736, 1.0 / 3, 1e9, 5e-324, -0.0, 18.5, 4988.9664};
    const char *texts[] = {"0.1", "104.60736", NULL, "1000000000", NULL, "-0", "18.5", "4988.9664"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        ls_format_number(values[i], buf, sizeof buf);
        if (texts[i]) cr_expect_str_eq(buf, texts[i]);
        double back = 0;
        cr_assert_eq(ls_parse_quantity(buf, strlen(buf), LS_UNIT_NONE, &back, NULL), LS_PARSE_OK,
                     "%s", buf);
        cr_expect_eq(back, values[i], "%s", buf);
    }
}

Test(units, number_literals_for_messages)
{
    cr_expect(ls_is_number_literal("1.7", 3));
    cr_expect(ls_is_number_literal("1e400", 5));
    cr_expect(ls_is_number_literal("-3", 2));
    cr_expect(!ls_is_number_literal("65 mph", 6));
    cr_expect(!ls_is_number_literal("four", 4));
    cr_expect(!ls_is_number_literal("", 0));
}
