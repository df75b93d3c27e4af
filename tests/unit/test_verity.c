// SPDX-License-Identifier: MIT
/* verity_args.c: GPT partition UUIDs from a root hash, systemd's options as veritysetup words. */
#include "unit.h"
#include "verity.h"

#include <errno.h>

/* systemd-veritysetup-generator: the first 128 bits name the data, the last 128 the hash. */
static void test_partuuids(void)
{
	char data[37], hash[37];

	CHECK_INT(
	    verity_derive_partuuids(
		"2368FEA823EB21D037036BAF8FEFA8E851ADA1C66B4FE5BF4BA74748E2798CE8", data, hash),
	    0);
	CHECK_STR(data, "2368fea8-23eb-21d0-3703-6baf8fefa8e8");
	CHECK_STR(hash, "51ada1c6-6b4f-e5bf-4ba7-4748e2798ce8");
	/* SHA-512: the last 128 bits of all 512. */
	CHECK_INT(verity_derive_partuuids("00112233445566778899aabbccddeeff"
					  "0000000000000000000000000000000000000000000000000000000"
					  "000000000"
					  "ffeeddccbbaa99887766554433221100",
					  data, hash),
		  0);
	CHECK_STR(data, "00112233-4455-6677-8899-aabbccddeeff");
	CHECK_STR(hash, "ffeeddcc-bbaa-9988-7766-554433221100");
	/* 128 bits, the least systemd takes: both partitions get the same UUID. */
	CHECK_INT(verity_derive_partuuids("00112233445566778899aabbccddeeff", data, hash), 0);
	CHECK_STR(data, "00112233-4455-6677-8899-aabbccddeeff");
	CHECK_STR(hash, "00112233-4455-6677-8899-aabbccddeeff");
	CHECK_INT(verity_derive_partuuids("00112233445566778899aabbccddee", data, hash), -EINVAL);
	CHECK_INT(verity_derive_partuuids("2368fea8", data, hash), -EINVAL);
	CHECK_INT(verity_derive_partuuids("", data, hash), -EINVAL);
	CHECK_INT(
	    verity_derive_partuuids(
		"2368fea823eb21d037036baf8fefa8e851ada1c66b4fe5bf4ba74748e2798cX8", data, hash),
	    -EINVAL);
}

static const struct {
	const char *options;
	int n;
	const char *args; /* the words joined by spaces, or the bad option */
} option_rows[] = {
    {"", 0, ""},
    {"panic-on-corruption", 1, "--panic-on-corruption"},
    {"restart-on-corruption,ignore-zero-blocks", 2, "--restart-on-corruption --ignore-zero-blocks"},
    {"ignore-corruption,,check-at-most-once", 2, "--ignore-corruption --check-at-most-once"},
    {"root-hash-signature=/etc/root.p7s", 1, "--root-hash-signature=/etc/root.p7s"},
    {"superblock=no,format=1,hash=sha256,data-blocks=64,salt=00", 5,
     "--no-superblock --format=1 --hash=sha256 --data-blocks=64 --salt=00"},
    {"superblock=yes", 0, ""},
    {"panic-on-corruption=1", -EINVAL, "panic-on-corruption=1"},
    {"hash-offset", -EINVAL, "hash-offset"},
    {"discard", -EINVAL, "discard"},
};

static void test_options(void)
{
	for (size_t i = 0; i < sizeof(option_rows) / sizeof(option_rows[0]); i++) {
		const char *argv[16];
		char buf[512], bad[64] = "", joined[512] = "";
		int n = verity_options_to_args(option_rows[i].options, argv, 16, buf, sizeof(buf),
					       bad, sizeof(bad));

		CHECK_INT(n, option_rows[i].n);
		if (n < 0) {
			CHECK_STR(bad, option_rows[i].args);
			continue;
		}
		for (int j = 0; j < n; j++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
				 j ? " " : "", argv[j]);
		CHECK_STR(joined, option_rows[i].args);
		CHECK(argv[n] == NULL);
	}
}

/* Too many words for argv, too much text for buf: -E2BIG, never a cut word. */
static void test_options_room(void)
{
	const char *argv[2];
	char buf[16], bad[8];

	CHECK_INT(verity_options_to_args("ignore-corruption,panic-on-corruption", argv, 2, buf,
					 sizeof(buf), bad, sizeof(bad)),
		  -E2BIG);
	CHECK_INT(verity_options_to_args("root-hash-signature=/a/very/long/path", argv, 2, buf,
					 sizeof(buf), bad, sizeof(bad)),
		  -E2BIG);
}

const struct unit_case verity_cases[] = {
    {"partuuids", test_partuuids},
    {"options", test_options},
    {"options_room", test_options_room},
    {NULL, NULL},
};
