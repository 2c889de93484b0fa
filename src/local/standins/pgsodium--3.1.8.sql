-- supaform stand-in of pgsodium 3.1.8, pure SQL/plpgsql, no shared library.
--
-- What CREATE EXTENSION pgsodium runs to reach 3.1.8, in one file: pgsodium's own
-- pgsodium--1.0.0.sql followed by each of its update scripts up to
-- pgsodium--3.1.7--3.1.8.sql, in order, unchanged except for two things:
--   * Every function that is C in pgsodium ("/* C: <symbol> */" marks them) is plpgsql,
--     same name, arguments, defaults, result, volatility and strictness. Most raise
--     'stand-in of pgsodium: not available on this server'. Some work:
--       - randombytes_buf/random/uniform/new_seed, every *_keygen, *_noncegen, *_new_seed
--         and crypto_pwhash_saltgen return random bytes of the real size (NOT
--         cryptographically secure: gen_random_uuid() bytes);
--       - crypto_hash_sha256/sha512 are sha256()/sha512(); crypto_cmp is =;
--       - derive_key/pgsodium_derive are deterministic (sha512 of key id, context,
--         counter), NOT libsodium's KDF;
--       - crypto_aead_det_*, crypto_aead_ietf_* and crypto_secretbox(_open), by key or by
--         key id, RETURN THEIR INPUT: NO ENCRYPTION. Round trips (encrypt then decrypt)
--         give the plain text back, so columns, triggers and views built on them work.
--   * SECURITY LABEL FOR pgsodium needs pgsodium's label provider (C). The one label the
--     scripts set (on pgsodium.key.raw_key) is written to pg_seclabel directly and the
--     masking views are built by pgsodium's own plpgsql (update_masks), so
--     pgsodium.decrypted_key and pgsodium.key_encrypt_secret_raw_key exist as on
--     Supabase. A user's SECURITY LABEL FOR pgsodium statement fails ("security label
--     provider "pgsodium" is not loaded"): Transparent Column Encryption is not
--     available (Supabase deprecates it).
-- The roles pgsodium_keyiduser, pgsodium_keyholder and pgsodium_keymaker are created
-- when missing (pgsodium--1.1.1--1.2.0.sql does that, in a DO block); they are
-- cluster-wide and stay after DROP EXTENSION. pgsodium's server key (pgsodium.getkey_script,
-- pgsodium.secret_key settings) does not exist here.
--
-- Derived from pgsodium (https://github.com/michelp/pgsodium) v3.1.8:
-- Copyright (c) 2020 Michel Pelletier and Contributors
--
-- Permission to use, copy, modify, and distribute this software and its
-- documentation for any purpose, without fee, and without a written agreement
-- is hereby granted, provided that the above copyright notice and this
-- paragraph and the following two paragraphs appear in all copies.
--
-- IN NO EVENT SHALL THE UNIVERSITY OF CALIFORNIA BE LIABLE TO ANY PARTY FOR
-- DIRECT, INDIRECT, SPECIAL, INCIDENTAL, OR CONSEQUENTIAL DAMAGES, INCLUDING
-- LOST PROFITS, ARISING OUT OF THE USE OF THIS SOFTWARE AND ITS
-- DOCUMENTATION, EVEN IF THE UNIVERSITY OF CALIFORNIA HAS BEEN ADVISED OF THE
-- POSSIBILITY OF SUCH DAMAGE.
--
-- THE UNIVERSITY OF CALIFORNIA SPECIFICALLY DISCLAIMS ANY WARRANTIES,
-- INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY
-- AND FITNESS FOR A PARTICULAR PURPOSE.  THE SOFTWARE PROVIDED HEREUNDER IS
-- ON AN "AS IS" BASIS, AND THE UNIVERSITY OF CALIFORNIA HAS NO OBLIGATIONS TO
-- PROVIDE MAINTENANCE, SUPPORT, UPDATES, ENHANCEMENTS, OR MODIFICATIONS.

\echo Use "CREATE EXTENSION pgsodium" to load this file. \quit

-- ======================================================================
-- pgsodium--1.0.0.sql
-- ======================================================================

-- complain if script is sourced in psql, rather than via CREATE EXTENSION

/* C: pgsodium_randombytes_random */
CREATE FUNCTION randombytes_random()
RETURNS integer
AS $standin$ BEGIN RETURN pg_catalog.floor(pg_catalog.random() * 2147483647)::integer; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_randombytes_uniform */
CREATE FUNCTION randombytes_uniform(upper_bound integer)
RETURNS integer
AS $standin$ BEGIN RETURN pg_catalog.floor(pg_catalog.random() * $1)::integer; END $standin$
LANGUAGE plpgsql VOLATILE STRICT;

/* C: pgsodium_randombytes_buf */
CREATE FUNCTION randombytes_buf(size integer)
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, $1) FROM pg_catalog.generate_series(1, ($1 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE STRICT;

/* C: pgsodium_crypto_secretbox_keygen */
CREATE FUNCTION crypto_secretbox_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_secretbox_noncegen */
CREATE FUNCTION crypto_secretbox_noncegen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 24) FROM pg_catalog.generate_series(1, (24 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_secretbox */
CREATE FUNCTION crypto_secretbox(message bytea, nonce bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_secretbox_open */
CREATE FUNCTION crypto_secretbox_open(ciphertext bytea, nonce bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth */
CREATE FUNCTION crypto_auth(message bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_verify */
CREATE FUNCTION crypto_auth_verify(mac bytea, message bytea, key bytea)
RETURNS boolean
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_keygen */
CREATE FUNCTION crypto_auth_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_generichash */
CREATE FUNCTION crypto_generichash(message bytea, key bytea DEFAULT NULL)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE;

/* C: pgsodium_crypto_shorthash */
CREATE FUNCTION crypto_shorthash(message bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

CREATE TYPE crypto_box_keypair AS (public bytea, secret bytea);

/* C: pgsodium_crypto_box_keypair */
CREATE OR REPLACE FUNCTION crypto_box_new_keypair()
RETURNS SETOF crypto_box_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_box_noncegen */
CREATE FUNCTION crypto_box_noncegen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 24) FROM pg_catalog.generate_series(1, (24 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_box */
CREATE FUNCTION crypto_box(message bytea, nonce bytea, public bytea, secret bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_box_open */
CREATE FUNCTION crypto_box_open(ciphertext bytea, nonce bytea, public bytea, secret bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

CREATE TYPE crypto_sign_keypair AS (public bytea, secret bytea);

/* C: pgsodium_crypto_sign_keypair */
CREATE OR REPLACE FUNCTION crypto_sign_new_keypair()
RETURNS SETOF crypto_sign_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_sign */
CREATE OR REPLACE FUNCTION crypto_sign(message bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_open */
CREATE OR REPLACE FUNCTION crypto_sign_open(signed_message bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_detached */
CREATE OR REPLACE FUNCTION crypto_sign_detached(message bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_verify_detached */
CREATE OR REPLACE FUNCTION crypto_sign_verify_detached(sig bytea, message bytea, key bytea)
RETURNS boolean
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_pwhash_saltgen */
CREATE OR REPLACE FUNCTION crypto_pwhash_saltgen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 16) FROM pg_catalog.generate_series(1, (16 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_pwhash */
CREATE OR REPLACE FUNCTION crypto_pwhash(password bytea, salt bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_pwhash_str */
CREATE OR REPLACE FUNCTION crypto_pwhash_str(password bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE STRICT;

/* C: pgsodium_crypto_pwhash_str_verify */
CREATE OR REPLACE FUNCTION crypto_pwhash_str_verify(hashed_password bytea, password bytea)
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_box_seal */
CREATE OR REPLACE FUNCTION crypto_box_seal(message bytea, public_key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_box_seal_open */
CREATE OR REPLACE FUNCTION crypto_box_seal_open(ciphertext bytea, public_key bytea, secret_key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

-- ======================================================================
-- pgsodium--1.0.0--1.1.0.sql
-- ======================================================================

/* C: pgsodium_crypto_kdf_keygen */
CREATE FUNCTION crypto_kdf_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_kdf_derive_from_key */
CREATE FUNCTION crypto_kdf_derive_from_key(subkey_size bigint, subkey_id bigint, context bytea, master_key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

CREATE TYPE crypto_kx_keypair AS (public bytea, secret bytea);

/* C: pgsodium_crypto_kx_keypair */
CREATE FUNCTION crypto_kx_new_keypair()
RETURNS crypto_kx_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_kx_new_seed */
CREATE FUNCTION crypto_kx_new_seed()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_kx_seed_keypair */
CREATE FUNCTION crypto_kx_seed_new_keypair(seed bytea)
RETURNS crypto_kx_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

CREATE TYPE crypto_kx_session AS (rx bytea, tx bytea);

/* C: pgsodium_crypto_kx_client_session_keys */
CREATE FUNCTION crypto_kx_client_session_keys(client_pk bytea, client_sk bytea, server_pk bytea)
RETURNS crypto_kx_session
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_kx_server_session_keys */
CREATE FUNCTION crypto_kx_server_session_keys(server_pk bytea, server_sk bytea, client_pk bytea)
RETURNS crypto_kx_session
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_auth_hmacsha512_keygen */
CREATE FUNCTION crypto_auth_hmacsha512_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_auth_hmacsha512 */
CREATE FUNCTION crypto_auth_hmacsha512(message bytea, secret bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_hmacsha512_verify */
CREATE FUNCTION crypto_auth_hmacsha512_verify(hash bytea, message bytea, secret bytea)
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_randombytes_new_seed */
CREATE FUNCTION randombytes_new_seed()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_randombytes_buf_deterministic */
CREATE FUNCTION randombytes_buf_deterministic(size integer, seed bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_init */
CREATE FUNCTION crypto_sign_init()
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_update */
CREATE FUNCTION crypto_sign_update(state bytea, message bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE;

/* C: pgsodium_crypto_sign_final_create */
CREATE FUNCTION crypto_sign_final_create(state bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_final_verify */
CREATE FUNCTION crypto_sign_final_verify(state bytea, signature bytea, key bytea)
RETURNS boolean
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

CREATE FUNCTION crypto_sign_update_agg1(state bytea, message bytea)
 RETURNS bytea
AS
$$
 SELECT crypto_sign_update(COALESCE(state, crypto_sign_init()), message);
$$
LANGUAGE SQL IMMUTABLE;

COMMENT ON FUNCTION crypto_sign_update_agg1(bytea, bytea) IS
'Internal helper function for crypto_sign_update_agg(bytea). This
initializes state if it has not already been initialized.';

CREATE FUNCTION crypto_sign_update_agg2(cur_state bytea,
                 initial_state bytea,
				 message bytea)
 RETURNS bytea
as
$$
 SELECT crypto_sign_update(
       COALESCE(cur_state, initial_state),
	   message)
$$
LANGUAGE SQL IMMUTABLE;

COMMENT ON FUNCTION crypto_sign_update_agg2(bytea, bytea, bytea) IS
'Internal helper function for crypto_sign_update_agg(bytea, bytea). This
initializes state to the state passed to the aggregate as a parameter,
if it has not already been initialized.';

CREATE AGGREGATE crypto_sign_update_agg(message bytea)
 (
  SFUNC = crypto_sign_update_agg1,
  STYPE = bytea,
  PARALLEL = unsafe);

COMMENT ON AGGREGATE crypto_sign_update_agg(bytea) IS
'Multi-part message signing aggregate that returns a state which can
then be finalised using crypto_sign_final() or to which other parts
can be added crypto_sign_update() or another message signing aggregate
function.

Note that when signing mutli-part messages using aggregates, the order
in which message parts is processed is critical. You *must* ensure
that the order of messages passed to the aggregate is invariant.';

CREATE AGGREGATE crypto_sign_update_agg(state bytea, message bytea)
 (
  SFUNC = crypto_sign_update_agg2,
  STYPE = bytea,
  PARALLEL = unsafe);

COMMENT ON AGGREGATE crypto_sign_update_agg(bytea, bytea) IS
'Multi-part message signing aggregate that returns a state which can
then be finalised using crypto_sign_final() or to which other parts
can be added crypto_sign_update() or another message signing aggregate
function.

The first argument to this aggregate is the input state. This may be
the result of a previous crypto_sign_update_agg(), a previous
crypto_sign_update().

Note that when signing mutli-part messages using aggregates, the order
in which message parts is processed is critical. You *must* ensure
that the order of messages passed to the aggregate is invariant.';

DROP FUNCTION crypto_box_new_keypair();

/* C: pgsodium_crypto_box_keypair */
CREATE FUNCTION crypto_box_new_keypair()
RETURNS crypto_box_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

DROP FUNCTION crypto_sign_new_keypair();

/* C: pgsodium_crypto_sign_keypair */
CREATE FUNCTION crypto_sign_new_keypair()
RETURNS crypto_sign_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_box_new_seed */
CREATE OR REPLACE FUNCTION crypto_box_new_seed()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_box_seed_keypair */
CREATE OR REPLACE FUNCTION crypto_box_seed_new_keypair(seed bytea)
RETURNS crypto_box_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_sign_new_seed */
CREATE OR REPLACE FUNCTION crypto_sign_new_seed()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_sign_seed_keypair */
CREATE OR REPLACE FUNCTION crypto_sign_seed_new_keypair(seed bytea)
RETURNS crypto_sign_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_derive */
CREATE OR REPLACE FUNCTION pgsodium_derive(key_id bigint, key_len integer = 32, context bytea = decode('pgsodium', 'escape'))
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.sha512(pg_catalog.int8send($1) || $3 || pg_catalog.int4send(i)), ''::bytea ORDER BY i), 1, $2) FROM pg_catalog.generate_series(1, ($2 + 63) / 64) AS i); END $standin$
LANGUAGE plpgsql VOLATILE;

-- ======================================================================
-- pgsodium--1.1.0--1.1.1.sql
-- ======================================================================

-- this is just a placeholder version to fix a bad release

-- ======================================================================
-- pgsodium--1.1.1--1.2.0.sql
-- ======================================================================

/* C: pgsodium_crypto_auth_hmacsha256_keygen */
CREATE FUNCTION crypto_auth_hmacsha256_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_auth_hmacsha256 */
CREATE FUNCTION crypto_auth_hmacsha256(message bytea, secret bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_hmacsha256_verify */
CREATE FUNCTION crypto_auth_hmacsha256_verify(hash bytea, message bytea, secret bytea)
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_hash_sha256 */
CREATE FUNCTION crypto_hash_sha256(message bytea)
RETURNS bytea
AS $standin$ BEGIN RETURN pg_catalog.sha256($1); END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_hash_sha512 */
CREATE FUNCTION crypto_hash_sha512(message bytea)
RETURNS bytea
AS $standin$ BEGIN RETURN pg_catalog.sha512($1); END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

DROP FUNCTION crypto_kdf_derive_from_key(subkey_size bigint, subkey_id bigint, context bytea, master_key bytea);

/* C: pgsodium_crypto_kdf_derive_from_key */
CREATE FUNCTION crypto_kdf_derive_from_key(subkey_size bigint, subkey_id bigint, context bytea, primary_key bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_derive */
CREATE OR REPLACE FUNCTION derive_key(key_id bigint, key_len integer = 32, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.sha512(pg_catalog.int8send($1) || $3 || pg_catalog.int4send(i)), ''::bytea ORDER BY i), 1, $2) FROM pg_catalog.generate_series(1, ($2 + 63) / 64) AS i); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_shorthash_keygen */
CREATE FUNCTION crypto_shorthash_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 16) FROM pg_catalog.generate_series(1, (16 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_generichash_keygen */
CREATE FUNCTION crypto_generichash_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_secretbox_by_id */
CREATE FUNCTION crypto_secretbox(message bytea, nonce bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_secretbox_open_by_id */
CREATE FUNCTION crypto_secretbox_open(message bytea, nonce bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_by_id */
CREATE FUNCTION crypto_auth(message bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_verify_by_id */
CREATE FUNCTION crypto_auth_verify(mac bytea, message bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS boolean
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_aead_ietf_keygen */
CREATE FUNCTION crypto_aead_ietf_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_aead_ietf_noncegen */
CREATE FUNCTION crypto_aead_ietf_noncegen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 12) FROM pg_catalog.generate_series(1, (12 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_aead_ietf_encrypt */
CREATE FUNCTION crypto_aead_ietf_encrypt(message bytea, additional bytea, nonce bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_aead_ietf_decrypt */
CREATE FUNCTION crypto_aead_ietf_decrypt(message bytea, additional bytea, nonce bytea, key bytea)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_aead_ietf_encrypt_by_id */
CREATE FUNCTION crypto_aead_ietf_encrypt(message bytea, additional bytea, nonce bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_aead_ietf_decrypt_by_id */
CREATE FUNCTION crypto_aead_ietf_decrypt(message bytea, additional bytea, nonce bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

COMMENT ON EXTENSION pgsodium is 'Pgsodium is a modern cryptography library for Postgres.';

DO $$
DECLARE
	new_role text;
BEGIN
	FOREACH new_role IN ARRAY
	    ARRAY['pgsodium_keyiduser',
	          'pgsodium_keyholder',
              'pgsodium_keymaker']
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = new_role) THEN
		    EXECUTE format($i$
			CREATE ROLE %I WITH
				NOLOGIN
				NOSUPERUSER
				NOCREATEDB
				NOCREATEROLE
				INHERIT
				NOREPLICATION
				CONNECTION LIMIT -1;
	        $i$, new_role);
		END IF;
	END LOOP;
END
$$;

-- pgsodium_keymaker

DO $$
DECLARE
	func text;
BEGIN
	FOREACH func IN ARRAY
		ARRAY[
	    'derive_key',
		'pgsodium_derive',
		'randombytes_new_seed',
		'crypto_secretbox_keygen',
		'crypto_auth_keygen',
		'crypto_box_noncegen',
		'crypto_aead_ietf_keygen',
		'crypto_auth_hmacsha256_keygen',
		'crypto_kdf_derive_from_key',
		'crypto_shorthash_keygen',
		'crypto_generichash_keygen',
		'crypto_kdf_keygen',
		'crypto_kx_new_keypair',
		'crypto_kx_new_seed',
		'crypto_kx_seed_new_keypair',
		'crypto_auth_hmacsha256_keygen',
		'randombytes_buf_deterministic',
		'crypto_box_seed_new_keypair',
		'crypto_box_new_keypair',
		'crypto_sign_new_keypair'
	]
	LOOP
		EXECUTE format($i$
			REVOKE ALL ON FUNCTION %s FROM PUBLIC;
			GRANT EXECUTE ON FUNCTION %s TO pgsodium_keymaker;
		$i$, func, func);
	END LOOP;
END
$$;

-- pgsodium_keyholder

DO $$
DECLARE
	func text;
BEGIN
	FOREACH func IN ARRAY
	ARRAY[
		'crypto_secretbox(bytea, bytea, bytea)',
		'crypto_secretbox_open(bytea, bytea, bytea)',
		'crypto_auth(bytea, bytea)',
		'crypto_auth_verify(bytea, bytea, bytea)',
		'crypto_box',
		'crypto_box_open',
		'crypto_aead_ietf_encrypt(bytea, bytea, bytea, bytea)',
		'crypto_aead_ietf_decrypt(bytea, bytea, bytea, bytea)',
		'crypto_auth_hmacsha256',
		'crypto_auth_hmacsha256_verify',
		'crypto_auth_hmacsha512',
		'crypto_auth_hmacsha512_verify',
		'crypto_sign_init',
		'crypto_sign_update',
		'crypto_sign_final_create',
		'crypto_sign_final_verify',
		'crypto_sign_update_agg1',
		'crypto_sign_update_agg2'
	]
	LOOP
		EXECUTE format($i$
			REVOKE ALL ON FUNCTION %s FROM PUBLIC;
			GRANT EXECUTE ON FUNCTION %s TO pgsodium_keyholder;
		$i$, func, func);
	END LOOP;
END
$$;

-- pgsodium_keyiduser

DO $$
DECLARE
	func text;
BEGIN
	FOREACH func IN ARRAY
	ARRAY[
		'randombytes_random',
		'randombytes_uniform',
		'randombytes_buf',
		'randombytes_buf_deterministic',
		'crypto_secretbox_noncegen',
		'crypto_aead_ietf_noncegen',
		'crypto_secretbox(bytea, bytea, bigint, bytea)',
		'crypto_secretbox_open(bytea, bytea, bigint, bytea)',
		'crypto_aead_ietf_encrypt(bytea, bytea, bytea, bigint, bytea)',
		'crypto_aead_ietf_decrypt(bytea, bytea, bytea, bigint, bytea)',
		'crypto_auth(bytea, bigint, bytea)',
		'crypto_auth_verify(bytea, bytea, bigint, bytea)',
		'crypto_generichash',
		'crypto_shorthash'
	]
	LOOP
		EXECUTE format($i$
			REVOKE ALL ON FUNCTION %s FROM PUBLIC;
			GRANT EXECUTE ON FUNCTION %s TO pgsodium_keyiduser;
		$i$, func, func);
	END LOOP;
END
$$;

GRANT pgsodium_keyholder TO pgsodium_keymaker;
GRANT pgsodium_keyiduser TO pgsodium_keymaker;
GRANT pgsodium_keyiduser TO pgsodium_keyholder;

-- ======================================================================
-- pgsodium--1.2.0--2.0.0.sql
-- ======================================================================


-- secretstream

/* C: pgsodium_crypto_secretstream_xchacha20poly1305_keygen */
CREATE FUNCTION crypto_secretstream_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

-- stream

/* C: pgsodium_crypto_stream_xchacha20_keygen */
CREATE FUNCTION crypto_stream_xchacha20_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_stream_xchacha20_noncegen */
CREATE FUNCTION crypto_stream_xchacha20_noncegen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 24) FROM pg_catalog.generate_series(1, (24 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_stream_xchacha20 */
CREATE FUNCTION crypto_stream_xchacha20(bigint, bytea, bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_stream_xchacha20_xor */
CREATE FUNCTION crypto_stream_xchacha20_xor(bytea, bytea, bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_stream_xchacha20_xor_ic */
CREATE FUNCTION crypto_stream_xchacha20_xor_ic(bytea, bytea, bigint, bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_stream_xchacha20_by_id */
CREATE FUNCTION crypto_stream_xchacha20(bigint, bytea, bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_stream_xchacha20_xor_by_id */
CREATE FUNCTION crypto_stream_xchacha20_xor(bytea, bytea, bigint, context bytea = 'pgosdium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_stream_xchacha20_xor_ic_by_id */
CREATE FUNCTION crypto_stream_xchacha20_xor_ic(bytea, bytea, bigint, bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_cmp */
CREATE FUNCTION crypto_cmp(text, text)
RETURNS bool
AS $standin$ BEGIN RETURN $1 = $2; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_generichash_by_id */
CREATE FUNCTION crypto_generichash(message bytea, key bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_shorthash_by_id */
CREATE FUNCTION crypto_shorthash(message bytea, key bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

-- hmac

/* C: pgsodium_crypto_auth_hmacsha512_by_id */
CREATE FUNCTION crypto_auth_hmacsha512(message bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_hmacsha512_verify_by_id */
CREATE FUNCTION crypto_auth_hmacsha512_verify(hash bytea, message bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_hmacsha256_by_id */
CREATE FUNCTION crypto_auth_hmacsha256(message bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_crypto_auth_hmacsha256_verify_by_id */
CREATE FUNCTION crypto_auth_hmacsha256_verify(hash bytea, message bytea, key_id bigint, context bytea = 'pgsodium')
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

-- aead_det

/* C: pgsodium_crypto_aead_det_keygen */
CREATE FUNCTION crypto_aead_det_keygen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 32) FROM pg_catalog.generate_series(1, (32 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_aead_det_encrypt */
CREATE FUNCTION crypto_aead_det_encrypt(message bytea, additional bytea, key bytea, nonce bytea = NULL)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE;

/* C: pgsodium_crypto_aead_det_decrypt */
CREATE FUNCTION crypto_aead_det_decrypt(ciphertext bytea, additional bytea, key bytea, nonce bytea = NULL)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE;

/* C: pgsodium_crypto_aead_det_encrypt_by_id */
CREATE FUNCTION crypto_aead_det_encrypt(message bytea, additional bytea, key_id bigint, context bytea = 'pgsodium', nonce bytea = NULL)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE;

/* C: pgsodium_crypto_aead_det_decrypt_by_id */
CREATE FUNCTION crypto_aead_det_decrypt(message bytea, additional bytea, key_id bigint, context bytea = 'pgsodium', nonce bytea = NULL)
RETURNS bytea
AS $standin$ BEGIN RETURN $1; /* NOT ENCRYPTION: the stand-in returns its input */ END $standin$
LANGUAGE plpgsql IMMUTABLE;

-- Sign-Cryption

CREATE TYPE crypto_signcrypt_state_key AS (state bytea, shared_key bytea);
CREATE TYPE crypto_signcrypt_keypair AS (public bytea, secret bytea);

/* C: pgsodium_crypto_signcrypt_keypair */
CREATE FUNCTION crypto_signcrypt_new_keypair()
RETURNS crypto_signcrypt_keypair
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql VOLATILE;

/* C: pgsodium_crypto_signcrypt_sign_before */
CREATE FUNCTION crypto_signcrypt_sign_before(sender bytea, recipient bytea, sender_sk bytea, recipient_pk bytea, additional bytea)
RETURNS crypto_signcrypt_state_key
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql STRICT;

/* C: pgsodium_crypto_signcrypt_sign_after */
CREATE FUNCTION crypto_signcrypt_sign_after(state bytea, sender_sk bytea, ciphertext bytea)
RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql STRICT;

/* C: pgsodium_crypto_signcrypt_verify_before */
CREATE FUNCTION crypto_signcrypt_verify_before(signature bytea, sender bytea, recipient bytea, additional bytea, sender_pk bytea, recipient_sk bytea)
RETURNS crypto_signcrypt_state_key
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql STRICT;

/* C: pgsodium_crypto_signcrypt_verify_after */
CREATE FUNCTION crypto_signcrypt_verify_after(state bytea, signature bytea, sender_pk bytea, ciphertext bytea)
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql STRICT;

/* C: pgsodium_crypto_signcrypt_verify_public */
CREATE FUNCTION crypto_signcrypt_verify_public(signature bytea, sender bytea, recipient bytea, additional bytea, sender_pk bytea, ciphertext bytea)
RETURNS bool
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql STRICT;

-- helpers

/* C: pgsodium_sodium_bin2base64 */
CREATE FUNCTION sodium_bin2base64(bin bytea) RETURNS text
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

/* C: pgsodium_sodium_base642bin */
CREATE FUNCTION sodium_base642bin(base64 text) RETURNS bytea
AS $standin$ BEGIN RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'stand-in of pgsodium: not available on this server'; END $standin$
LANGUAGE plpgsql IMMUTABLE STRICT;

-- pgsodium_keymaker

DO $$
DECLARE
	func text;
BEGIN
	FOREACH func IN ARRAY
		ARRAY[
		'crypto_signcrypt_new_keypair',
        'crypto_aead_det_keygen'
	]
	LOOP
		EXECUTE format($i$
			REVOKE ALL ON FUNCTION %s FROM PUBLIC;
			GRANT EXECUTE ON FUNCTION %s TO pgsodium_keymaker;
		$i$, func, func);
	END LOOP;
END
$$;

-- pgsodium_keyholder

DO $$
DECLARE
	func text;
BEGIN
	FOREACH func IN ARRAY
	ARRAY[
    'crypto_signcrypt_sign_before',
    'crypto_signcrypt_sign_after',
    'crypto_signcrypt_verify_before',
    'crypto_signcrypt_verify_after',
    'crypto_signcrypt_verify_public',
    'crypto_aead_det_encrypt(bytea, bytea, bytea, bytea)',
    'crypto_aead_det_decrypt(bytea, bytea, bytea, bytea)'
	]
	LOOP
		EXECUTE format($i$
			REVOKE ALL ON FUNCTION %s FROM PUBLIC;
			GRANT EXECUTE ON FUNCTION %s TO pgsodium_keyholder;
		$i$, func, func);
	END LOOP;
END
$$;

-- pgsodium_keyiduser

DO $$
DECLARE
	func text;
BEGIN
	FOREACH func IN ARRAY
	ARRAY[
    'crypto_aead_det_encrypt(bytea, bytea, bigint, bytea, bytea)',
    'crypto_aead_det_decrypt(bytea, bytea, bigint, bytea, bytea)'
	]
	LOOP
		EXECUTE format($i$
			REVOKE ALL ON FUNCTION %s FROM PUBLIC;
			GRANT EXECUTE ON FUNCTION %s TO pgsodium_keyiduser;
		$i$, func, func);
	END LOOP;
END
$$;

-- ======================================================================
-- pgsodium--2.0.0--2.0.1.sql
-- ======================================================================


-- ======================================================================
-- pgsodium--2.0.1--2.0.2.sql
-- ======================================================================


-- ======================================================================
-- pgsodium--2.0.2--3.0.0.sql
-- ======================================================================

-- All roles cannot execute functions in pgsodium
REVOKE ALL ON SCHEMA pgsodium FROM PUBLIC;
-- But they can see the objects in pgsodium
GRANT USAGE ON SCHEMA pgsodium TO PUBLIC;

-- By default, public can't use any table, functions, or sequences
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium REVOKE ALL ON TABLES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium REVOKE ALL ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium REVOKE ALL ON SEQUENCES FROM PUBLIC;

-- pgsodium_keyiduser can use all tables and sequences (functions are granted individually)
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium GRANT ALL ON TABLES TO pgsodium_keyiduser;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium GRANT ALL ON SEQUENCES TO pgsodium_keyiduser;

-- Create a schema to hold the masking views
CREATE SCHEMA pgsodium_masks;
-- Revoke all from public on that schema
REVOKE ALL ON SCHEMA pgsodium_masks FROM PUBLIC;

-- By default public can't use any tables, functions, or sequences in the mask schema
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium_masks REVOKE ALL ON TABLES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium_masks REVOKE ALL ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium_masks REVOKE ALL ON SEQUENCES FROM PUBLIC;

-- pgsodium_keyiduser can see objects in the schema.
GRANT USAGE ON SCHEMA pgsodium_masks TO pgsodium_keyiduser;

-- Misc functions

CREATE OR REPLACE FUNCTION pgsodium.version()
  RETURNS text
  AS $$ SELECT extversion FROM pg_extension WHERE extname = 'pgsodium' $$
  LANGUAGE sql;

-- Internal Key Management

CREATE TYPE pgsodium.key_status AS ENUM (
  'default',
  'valid',
  'invalid',
  'expired'
);

CREATE TYPE pgsodium.key_type AS ENUM (
  'aead-ietf',
  'aead-det'
);

CREATE TABLE pgsodium.key (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  status pgsodium.key_status DEFAULT 'valid',
  created timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires timestamp,
  key_type pgsodium.key_type,
  key_id bigserial NOT NULL,
  key_context bytea NOT NULL DEFAULT 'pgsodium' CHECK (length(key_context) = 8),
  comment text,
  user_data jsonb
);

SELECT pg_catalog.pg_extension_config_dump('pgsodium.key', '');

GRANT SELECT ON pgsodium.key TO pgsodium_keyiduser;
GRANT INSERT, UPDATE, DELETE ON pgsodium.key TO pgsodium_keymaker;

CREATE INDEX ON pgsodium.key (status)
  WHERE (status IN ('valid', 'default'));

CREATE UNIQUE INDEX ON pgsodium.key (status)
  WHERE (status = 'default');

CREATE UNIQUE INDEX ON pgsodium.key (key_id, key_context, key_type);

COMMENT ON TABLE pgsodium.key IS
  'This table holds metadata for derived keys given a key_id '
  'and key_context. The raw key is never stored.';

CREATE VIEW pgsodium.valid_key AS
  SELECT
    *
    FROM
      pgsodium.key
   WHERE
  status IN ('valid', 'default')
     AND CASE WHEN expires IS NULL THEN true ELSE expires < now() END;

CREATE FUNCTION pgsodium.create_key(
  comment text = null,
  key_type pgsodium.key_type = 'aead-det',
  key_id bigint = null,
  key_context bytea = 'pgsodium',
  expires timestamp = null,
  user_data jsonb = null) RETURNS pgsodium.key
        AS $$
        INSERT INTO pgsodium.key (key_id, key_context, key_type, expires, comment, user_data)
          VALUES (case when key_id is null then nextval('pgsodium.key_key_id_seq'::regclass) else key_id
                  end,
                  key_context,
                  key_type,
                  expires,
                  comment,
                  user_data) RETURNING *;
        $$ LANGUAGE sql;

-- Deterministic AEAD functions by key uuid

CREATE TYPE pgsodium._key_id_context AS (
  key_id bigint,
  key_context bytea
);

/* C: pgsodium_crypto_aead_det_noncegen */
CREATE FUNCTION pgsodium.crypto_aead_det_noncegen()
RETURNS bytea
AS $standin$ BEGIN RETURN (SELECT pg_catalog.substr(pg_catalog.string_agg(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), ''::bytea), 1, 16) FROM pg_catalog.generate_series(1, (16 + 15) / 16)); END $standin$
LANGUAGE plpgsql VOLATILE;

GRANT EXECUTE ON FUNCTION pgsodium.crypto_aead_det_noncegen() TO pgsodium_keyiduser;

CREATE FUNCTION pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key_id pgsodium._key_id_context;
BEGIN
  SELECT v.key_id, v.key_context INTO STRICT key_id FROM pgsodium.valid_key v WHERE id = key_uuid;
  RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key_id.key_id, key_id.key_context);
END;
  $$
  LANGUAGE plpgsql
  STRICT IMMUTABLE
  SET search_path=''
  ;

GRANT EXECUTE ON FUNCTION
  pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid)
  TO pgsodium_keyiduser;

CREATE FUNCTION pgsodium.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid)
  RETURNS bytea AS
  $$
DECLARE
  key_id pgsodium._key_id_context;
BEGIN
  SELECT v.key_id, v.key_context INTO STRICT key_id FROM pgsodium.valid_key v WHERE id = key_uuid;
  RETURN pgsodium.crypto_aead_det_decrypt(message, additional, key_id.key_id, key_id.key_context);
END;
  $$
  LANGUAGE plpgsql
  STRICT IMMUTABLE
  SET search_path='';

GRANT EXECUTE ON FUNCTION
  crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid)
  TO pgsodium_keyiduser;

--- AEAD det with nonce

CREATE FUNCTION pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  RETURNS bytea AS
$$
DECLARE
  key_id pgsodium._key_id_context;
BEGIN
  SELECT v.key_id, v.key_context INTO STRICT key_id FROM pgsodium.valid_key v WHERE id = key_uuid;
  RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key_id.key_id, key_id.key_context, nonce);
END;
  $$
  LANGUAGE plpgsql
  STRICT IMMUTABLE
  SET search_path=''
  ;

GRANT EXECUTE ON FUNCTION
  pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  TO pgsodium_keyiduser;

CREATE FUNCTION pgsodium.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  RETURNS bytea AS
  $$
DECLARE
  key_id pgsodium._key_id_context;
BEGIN
  SELECT v.key_id, v.key_context INTO STRICT key_id FROM pgsodium.valid_key v WHERE id = key_uuid;
  RETURN pgsodium.crypto_aead_det_decrypt(message, additional, key_id.key_id, key_id.key_context, nonce);
END;
  $$
  LANGUAGE plpgsql
  STRICT IMMUTABLE
  SET search_path='';

GRANT EXECUTE ON FUNCTION
  crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  TO pgsodium_keyiduser;

-- IETF AEAD functions by key uuid

CREATE FUNCTION pgsodium.crypto_aead_ietf_encrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  RETURNS bytea AS
  $$
DECLARE
  key_id pgsodium._key_id_context;
BEGIN
  SELECT v.key_id, v.key_context INTO STRICT key_id FROM pgsodium.valid_key v WHERE id = key_uuid;
  RETURN pgsodium.crypto_aead_ietf_encrypt(message, additional, nonce, key_id.key_id, key_id.key_context);
END;
  $$
  LANGUAGE plpgsql
  STRICT
  STABLE
  SET search_path=''
;

GRANT EXECUTE ON FUNCTION
  pgsodium.crypto_aead_ietf_encrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  TO pgsodium_keyiduser;

CREATE FUNCTION pgsodium.crypto_aead_ietf_decrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  RETURNS bytea AS
  $$
DECLARE
  key_id pgsodium._key_id_context;
BEGIN
  SELECT v.key_id, v.key_context INTO STRICT key_id FROM pgsodium.valid_key v WHERE id = key_uuid;
  RETURN pgsodium.crypto_aead_ietf_decrypt(message, additional, nonce, key_id.key_id, key_id.key_context);
END;
  $$
  LANGUAGE plpgsql
  STRICT
  STABLE
  SET search_path='';

GRANT EXECUTE ON FUNCTION
  crypto_aead_ietf_decrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  TO pgsodium_keyiduser;

-- Transparent Column Encryption

CREATE OR REPLACE VIEW pgsodium.masking_rule AS
  WITH const AS (
    SELECT
      'encrypt +with +key +id +([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
        AS pattern_key_id,
      'encrypt +with +key +column +(\w+)'
        AS pattern_key_id_column,
      '(?<=associated) +(\w+)'
        AS pattern_associated_column,
      '(?<=nonce) +(\w+)'
        AS pattern_nonce_column
  ),
  rules_from_seclabels AS (
    SELECT
      sl.objoid AS attrelid,
      sl.objsubid  AS attnum,
      c.relnamespace::regnamespace,
      c.relname,
      a.attname,
      pg_catalog.format_type(a.atttypid, a.atttypmod),
      sl.label AS col_description,
      (regexp_match(sl.label, k.pattern_key_id_column, 'i'))[1] AS key_id_column,
      (regexp_match(sl.label, k.pattern_key_id, 'i'))[1] AS key_id,
      (regexp_match(sl.label, k.pattern_associated_column, 'i'))[1] AS associated_column,
      (regexp_match(sl.label, k.pattern_nonce_column, 'i'))[1] AS nonce_column,
      100 AS priority
      FROM const k,
           pg_catalog.pg_seclabel sl
           JOIN pg_catalog.pg_class c ON sl.classoid = c.tableoid AND sl.objoid = c.oid
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND sl.objsubid = a.attnum
     WHERE a.attnum > 0
           --  TODO : Filter out the catalog tables
       AND NOT a.attisdropped
       AND sl.label ilike 'ENCRYPT%'
       AND sl.provider = 'pgsodium'
  )
  SELECT
    DISTINCT ON (attrelid, attnum) *
    FROM rules_from_seclabels
   ORDER BY attrelid, attnum, priority DESC;

GRANT SELECT ON pgsodium.masking_rule TO PUBLIC;


CREATE FUNCTION pgsodium.has_mask(role regrole, source_name text)
  RETURNS boolean AS $$
  SELECT EXISTS(
    SELECT 1
      FROM pg_shseclabel
     WHERE  objoid = role
       AND provider = 'pgsodium'
       AND label ilike 'ACCESS%' || source_name || '%')
  $$ LANGUAGE sql;

-- Display all columns of the relation with the masking function (if any)
CREATE FUNCTION pgsodium.mask_columns(source_relid oid)
  RETURNS TABLE (attname name, key_id text, key_id_column text,
                 associated_column text, nonce_column text, format_type text)
AS $$
  SELECT
  a.attname,
  m.key_id,
  m.key_id_column,
  m.associated_column,
  m.nonce_column,
  m.format_type
  FROM pg_attribute a
  LEFT JOIN  pgsodium.masking_rule m
  ON m.attrelid = a.attrelid
  AND m.attname = a.attname
  WHERE  a.attrelid = source_relid
  AND    a.attnum > 0 -- exclude ctid, cmin, cmax
  AND    NOT a.attisdropped
  ORDER BY a.attnum;
$$ LANGUAGE sql;

-- get the "select filters" that will decrypt the real data of a table
CREATE FUNCTION pgsodium.decrypted_columns(
  relid OID
)
RETURNS TEXT AS
$$
DECLARE
  m RECORD;
  expression TEXT;
  comma TEXT;
  padding text = '        ';
BEGIN
  expression := E'\n';
  comma := padding;
  FOR m IN SELECT * FROM pgsodium.mask_columns(relid) LOOP
    expression := expression || comma;
    IF m.key_id IS NULL AND m.key_id_column IS NULL THEN
      expression := expression || padding || quote_ident(m.attname);
    ELSE
      expression := expression || padding || quote_ident(m.attname) || E',\n';
      expression := expression || format(
        $f$
        pg_catalog.convert_from(
          pgsodium.crypto_aead_det_decrypt(
            pg_catalog.decode(%s, 'base64'),
            pg_catalog.convert_to(%s, 'utf8'),
            %s::uuid,
            %s
          ),
            'utf8') AS %s$f$,
            quote_ident(m.attname),
            coalesce(quote_ident(m.associated_column), quote_literal('')),
            coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
            coalesce(quote_ident(m.nonce_column), 'NULL'),
            'decrypted_' || quote_ident(m.attname)
      );
    END IF;
    comma := E',       \n';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
;

-- get the "insert filters" that will encrypt the real data of a table
CREATE FUNCTION pgsodium.encrypted_columns(
  relid OID
)
RETURNS TEXT AS
$$
DECLARE
    m RECORD;
    expression TEXT;
    comma TEXT;
BEGIN
  expression := '';
  comma := E'        ';
  FOR m IN SELECT * FROM pgsodium.mask_columns(relid) LOOP
    IF m.key_id IS NULL AND m.key_id_column is NULL THEN
      CONTINUE;
    ELSE
      expression := expression || comma;
      expression := expression || format(
        $f$%s = pg_catalog.encode(
          pgsodium.crypto_aead_det_encrypt(
            pg_catalog.convert_to(%s, 'utf8'),
            pg_catalog.convert_to(%s, 'utf8'),
            %s::uuid,
            %s
          ),
            'base64')$f$,
            'new.' || quote_ident(m.attname),
            'new.' || quote_ident(m.attname),
            COALESCE('new.' || quote_ident(m.associated_column), quote_literal('')),
            COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
            COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
      );
    END IF;
    comma := E';\n        ';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
  ;

CREATE FUNCTION pgsodium.create_mask_view(relid oid, debug boolean = false) RETURNS void AS
  $$
DECLARE
  body text;
  source_name text;
  view_name text;
  rule pgsodium.masking_rule;
BEGIN
  SELECT DISTINCT(quote_ident(relname)) INTO STRICT view_name
    FROM pg_class c, pg_seclabel sl
   WHERE relid = c.oid
     AND sl.classoid = c.tableoid
     AND sl.objoid = c.oid;

  source_name := relid::regclass;

  body = format(
    $c$
    DROP VIEW IF EXISTS pgsodium_masks.%s;
    CREATE VIEW pgsodium_masks.%s AS SELECT %s
    FROM %s;
    $c$,
    view_name,
    view_name,
    pgsodium.decrypted_columns(relid),
    source_name
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  body = format(
    $c$
    CREATE OR REPLACE FUNCTION pgsodium_masks.%s_encrypt_secret()
      RETURNS TRIGGER
      LANGUAGE plpgsql
      AS $t$
    BEGIN
    %s;
    RETURN new;
    END;
    $t$;

    DROP TRIGGER IF EXISTS %s_encrypt_secret_trigger ON %s;

    CREATE TRIGGER %s_encrypt_secret_trigger
      BEFORE INSERT ON %s
      FOR EACH ROW
      EXECUTE FUNCTION pgsodium_masks.%s_encrypt_secret ();
    $c$,
    view_name,
    pgsodium.encrypted_columns(relid),
    view_name,
    source_name,
    view_name,
    source_name,
    view_name
  );
  if debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

CREATE FUNCTION pgsodium.trg_mask_update()
RETURNS EVENT_TRIGGER AS
$$
BEGIN
  PERFORM pgsodium.update_masks();
END
$$
  LANGUAGE plpgsql
  SET search_path=''
;

-- Mask a specific role
CREATE FUNCTION pgsodium.mask_role(masked_role regrole, source_name text, view_name text)
  RETURNS void AS
  $$
  DECLARE
  mask_schema REGNAMESPACE = 'pgsodium_masks';
  source_schema REGNAMESPACE = (regexp_split_to_array(source_name, '\.'))[1];
BEGIN
  EXECUTE format(
    'GRANT pgsodium_keyiduser TO %s',
    masked_role);

  EXECUTE format(
    'GRANT ALL ON %s.%s TO %s',
    mask_schema,
    view_name,
    masked_role);

  EXECUTE format(
    'ALTER ROLE %s SET search_path TO %s,%s,pg_catalog,public,pg_temp',
    masked_role,
    mask_schema,
    source_schema);
  RETURN;
END
$$
  LANGUAGE plpgsql
  SET search_path='pg_catalog'
;

CREATE FUNCTION pgsodium.update_masks(debug boolean = false)
RETURNS void AS
  $$
  declare
  rname text;
BEGIN
  PERFORM pgsodium.create_mask_view(c.oid, debug)
    FROM (SELECT distinct(c.oid)
            FROM pg_seclabel s, pg_class c, pg_namespace n
           WHERE s.objoid = c.oid
             AND c.relnamespace = n.oid
             AND c.relkind IN ('r', 'p', 'f') -- table, partition, or foreign
             AND s.provider = 'pgsodium') c;
  RETURN;
END
$$
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path='pg_catalog'
;

CREATE EVENT TRIGGER pgsodium_trg_mask_update
  ON ddl_command_end
  WHEN TAG IN (
    'ALTER TABLE',
    'CREATE TABLE',
    'CREATE TABLE AS',
    'DROP TABLE',
    'ALTER MATERIALIZED VIEW',
    'CREATE MATERIALIZED VIEW',
    'DROP MATERIALIZED VIEW',
    'ALTER FOREIGN TABLE',
    'CREATE FOREIGN TABLE',
    'DROP FOREIGN TABLE',
    'SECURITY LABEL',
    'SELECT INTO'
  )
  EXECUTE PROCEDURE pgsodium.trg_mask_update()
;

-- ======================================================================
-- pgsodium--3.0.0--3.0.2.sql
-- ======================================================================


ALTER FUNCTION pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea) CALLED ON NULL INPUT;  

-- ======================================================================
-- pgsodium--3.0.2--3.0.3.sql
-- ======================================================================


INSERT INTO pgsodium.key (status, key_id, key_context, comment)
VALUES ('default', 1, 'pgsodium', 'This is the default key used for vault.secrets');

-- ======================================================================
-- pgsodium--3.0.3--3.0.4.sql
-- ======================================================================

CREATE OR REPLACE FUNCTION pgsodium.encrypted_columns(
  relid OID
)
RETURNS TEXT AS
$$
DECLARE
    m RECORD;
    expression TEXT;
    comma TEXT;
BEGIN
  expression := '';
  comma := E'        ';
  FOR m IN SELECT * FROM pgsodium.mask_columns(relid) LOOP
    IF m.key_id IS NULL AND m.key_id_column is NULL THEN
      CONTINUE;
    ELSE
      expression := expression || comma;
      expression := expression || format(
        $f$%s = pg_catalog.encode(
          pgsodium.crypto_aead_det_encrypt(
            pg_catalog.convert_to(%s, 'utf8'),
            pg_catalog.convert_to(%s::text, 'utf8'),
            %s::uuid,
            %s
          ),
            'base64')$f$,
            'new.' || quote_ident(m.attname),
            'new.' || quote_ident(m.attname),
            COALESCE('new.' || quote_ident(m.associated_column), quote_literal('')),
            COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
            COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
      );
    END IF;
    comma := E';\n        ';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
  ;

CREATE OR REPLACE FUNCTION pgsodium.decrypted_columns(
  relid OID
)
RETURNS TEXT AS
$$
DECLARE
  m RECORD;
  expression TEXT;
  comma TEXT;
  padding text = '        ';
BEGIN
  expression := E'\n';
  comma := padding;
  FOR m IN SELECT * FROM pgsodium.mask_columns(relid) LOOP
    expression := expression || comma;
    IF m.key_id IS NULL AND m.key_id_column IS NULL THEN
      expression := expression || padding || quote_ident(m.attname);
    ELSE
      expression := expression || padding || quote_ident(m.attname) || E',\n';
      expression := expression || format(
        $f$
        pg_catalog.convert_from(
          pgsodium.crypto_aead_det_decrypt(
            pg_catalog.decode(%s, 'base64'),
            pg_catalog.convert_to(%s::text, 'utf8'),
            %s::uuid,
            %s
          ),
            'utf8') AS %s$f$,
            quote_ident(m.attname),
            coalesce(quote_ident(m.associated_column), quote_literal('')),
            coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
            coalesce(quote_ident(m.nonce_column), 'NULL'),
            'decrypted_' || quote_ident(m.attname)
      );
    END IF;
    comma := E',       \n';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
;

-- ======================================================================
-- pgsodium--3.0.4--3.0.5.sql
-- ======================================================================


ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium_masks GRANT ALL ON TABLES TO pgsodium_keyiduser;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium_masks GRANT ALL ON SEQUENCES TO pgsodium_keyiduser;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium_masks GRANT ALL ON FUNCTIONS TO pgsodium_keyiduser;

-- pgsodium_keyiduser can use all tables and sequences (functions are granted individually)
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium REVOKE ALL ON TABLES FROM pgsodium_keyiduser;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium REVOKE ALL ON SEQUENCES FROM pgsodium_keyiduser;

ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium GRANT ALL ON TABLES TO pgsodium_keyholder;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgsodium GRANT ALL ON SEQUENCES TO pgsodium_keyholder;

REVOKE ALL ON ALL TABLES IN SCHEMA pgsodium FROM pgsodium_keyiduser;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA pgsodium FROM pgsodium_keyiduser;

GRANT pgsodium_keyholder TO pgsodium_keymaker;  -- deprecating keyholder

GRANT ALL ON ALL TABLES IN SCHEMA pgsodium TO pgsodium_keymaker;
GRANT ALL ON ALL SEQUENCES IN SCHEMA pgsodium TO pgsodium_keymaker;

GRANT SELECT ON pgsodium.valid_key TO pgsodium_keyiduser;

DROP VIEW pgsodium.valid_key;
DROP FUNCTION pgsodium.create_key(text, pgsodium.key_type, bigint, bytea, timestamp, jsonb);
DELETE FROM pgsodium.key where status = 'default';

ALTER TYPE pgsodium.key_type ADD VALUE 'hmacsha512';
ALTER TYPE pgsodium.key_type ADD VALUE 'hmacsha256';
ALTER TYPE pgsodium.key_type ADD VALUE 'auth';
ALTER TYPE pgsodium.key_type ADD VALUE 'shorthash';
ALTER TYPE pgsodium.key_type ADD VALUE 'generichash';
ALTER TYPE pgsodium.key_type ADD VALUE 'kdf';
ALTER TYPE pgsodium.key_type ADD VALUE 'secretbox';
ALTER TYPE pgsodium.key_type ADD VALUE 'secretstream';
ALTER TYPE pgsodium.key_type ADD VALUE 'stream_xchacha20';

ALTER TABLE pgsodium.key ADD COLUMN raw_key bytea;
ALTER TABLE pgsodium.key ADD COLUMN raw_key_nonce bytea;
ALTER TABLE pgsodium.key ADD COLUMN parent_key uuid REFERENCES pgsodium.key(id);
ALTER TABLE pgsodium.key RENAME comment TO name;
ALTER TABLE pgsodium.key RENAME user_data TO associated_data;
ALTER TABLE pgsodium.key ALTER COLUMN associated_data TYPE text USING '';
ALTER TABLE pgsodium.key ALTER COLUMN associated_data SET DEFAULT 'associated';
ALTER TABLE pgsodium.key ALTER COLUMN key_id DROP NOT NULL;
ALTER TABLE pgsodium.key ALTER COLUMN key_context DROP NOT NULL;
ALTER TABLE pgsodium.key ALTER COLUMN expires TYPE timestamptz USING expires at time zone 'utc';
ALTER TABLE pgsodium.key ALTER COLUMN created TYPE timestamptz USING created at time zone 'utc';

ALTER TABLE pgsodium.key ADD CONSTRAINT pgsodium_key_unique_name UNIQUE (name);
ALTER TABLE pgsodium.key ADD CONSTRAINT pgsodium_raw CHECK (
  CASE WHEN raw_key IS NOT NULL
    THEN key_id IS NULL     AND key_context IS NULL     AND parent_key IS NOT NULL
    ELSE key_id IS NOT NULL AND key_context IS NOT NULL AND parent_key IS NULL
  END);

CREATE OR REPLACE VIEW pgsodium.valid_key AS
  SELECT id, name, status, key_type, key_id, key_context, created, expires, associated_data
    FROM pgsodium.key
   WHERE  status IN ('valid', 'default')
     AND CASE WHEN expires IS NULL THEN true ELSE expires < now() END;

GRANT SELECT ON pgsodium.valid_key TO pgsodium_keyiduser;

CREATE FUNCTION pgsodium.create_key(
  key_type pgsodium.key_type = 'aead-det',
  name text = NULL,
  raw_key bytea = NULL,
  raw_key_nonce bytea = NULL,
  parent_key uuid = NULL,
  key_context bytea = 'pgsodium',
  expires timestamptz = NULL,
  associated_data text = ''
) RETURNS pgsodium.valid_key
AS $$
DECLARE
  new_key pgsodium.key;
  valid_key pgsodium.valid_key;
BEGIN
  INSERT INTO pgsodium.key (key_id, key_context, key_type, raw_key,
  raw_key_nonce, parent_key, expires, name, associated_data)
      VALUES (
        CASE WHEN raw_key IS NULL THEN
            NEXTVAL('pgsodium.key_key_id_seq'::REGCLASS)
        ELSE NULL END,
        CASE WHEN raw_key IS NULL THEN
            key_context
        ELSE NULL END,
        key_type,
        raw_key,
        CASE WHEN raw_key IS NOT NULL THEN
            COALESCE(raw_key_nonce, pgsodium.crypto_aead_det_noncegen())
        ELSE NULL END,
        CASE WHEN parent_key IS NULL and raw_key IS NOT NULL THEN
            (pgsodium.create_key('aead-det')).id
        ELSE parent_key END,
        expires,
        name,
        associated_data)
    RETURNING * INTO new_key;
  SELECT * INTO valid_key FROM pgsodium.valid_key WHERE id = new_key.id;
  RETURN valid_key;
END;
$$
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.create_key OWNER TO pgsodium_keymaker;
GRANT EXECUTE ON FUNCTION pgsodium.create_key TO pgsodium_keyiduser;

-- HMAC external key support

CREATE OR REPLACE FUNCTION pgsodium.crypto_auth_hmacsha256(message bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'hmacsha256';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_auth_hmacsha256(message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_auth_hmacsha256(message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_auth_hmacsha256(bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE OR REPLACE FUNCTION pgsodium.crypto_auth_hmacsha256_verify(signature bytea, message bytea, key_uuid uuid)
  RETURNS boolean AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'hmacsha256';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_auth_hmacsha256_verify(signature, message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_auth_hmacsha256_verify(signature, message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_auth_hmacsha256_verify(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE OR REPLACE FUNCTION pgsodium.crypto_auth_hmacsha512(message bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'hmacsha512';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_auth_hmacsha512(message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_auth_hmacsha512(message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_auth_hmacsha512(bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE OR REPLACE FUNCTION pgsodium.crypto_auth_hmacsha512_verify(signature bytea, message bytea, key_uuid uuid)
  RETURNS boolean AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'hmacsha512';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_auth_hmacsha512_verify(signature, message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_auth_hmacsha512_verify(signature, message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_auth_hmacsha512_verify(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

-- Auth

CREATE FUNCTION pgsodium.crypto_auth(message bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'auth';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_auth(message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_auth(message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_auth(bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE FUNCTION crypto_auth_verify(mac bytea, message bytea, key_uuid uuid)
  RETURNS boolean AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'auth';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_auth_verify(mac, message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_auth_verify(mac, message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_auth_verify(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

-- Hash

CREATE FUNCTION pgsodium.crypto_shorthash(message bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'shorthash';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_shorthash(message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_shorthash(message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_shorthash(bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE FUNCTION pgsodium.crypto_generichash(message bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'generichash';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_generichash(message, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_generichash(message, key.key_id, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_generichash(bytea, uuid) OWNER TO pgsodium_keymaker;

-- kdf

CREATE FUNCTION crypto_kdf_derive_from_key(subkey_size integer, subkey_id bigint, context bytea, primary_key uuid)
RETURNS bytea
AS $$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = primary_key AND key_type = 'kdf';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_kdf_derive_from_key(subkey_size, subkey_id, context, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.derive_key(key.key_id, subkey_size, key.key_context);
END;

$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_kdf_derive_from_key(integer, bigint, bytea, uuid) OWNER TO pgsodium_keymaker;

  -- secretbox

CREATE OR REPLACE FUNCTION pgsodium.crypto_secretbox(message bytea, nonce bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'secretbox';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_secretbox(message, nonce, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_secretbox(message, nonce, key.key_id, key.key_context);
END;
$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_secretbox(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE OR REPLACE FUNCTION pgsodium.crypto_secretbox_open(message bytea, nonce bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'secretbox';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_secretbox_open(message, nonce, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_secretbox_open(message, nonce, key.key_id, key.key_context);
END;
$$
LANGUAGE plpgsql
STRICT STABLE
SECURITY DEFINER
SET search_path = '';

ALTER FUNCTION pgsodium.crypto_secretbox_open(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

-- Ext key support for DET and IETF

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-det';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key.key_id, key.key_context);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STABLE
  SET search_path=''
  ;

ALTER FUNCTION pgsodium.crypto_aead_det_encrypt(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-det';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_det_decrypt(message, additional, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_aead_det_decrypt(message, additional, key.key_id, key.key_context);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STABLE
  SET search_path='';

ALTER FUNCTION pgsodium.crypto_aead_det_decrypt(bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

--- AEAD det with nonce

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-det';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key.decrypted_raw_key, nonce);
  END IF;
  RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key.key_id, key.key_context, nonce);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STABLE
  SET search_path=''
  ;

ALTER FUNCTION pgsodium.crypto_aead_det_encrypt(bytea, bytea, uuid, bytea) OWNER TO pgsodium_keymaker;

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_det_decrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  RETURNS bytea AS
  $$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-det';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_det_decrypt(message, additional, key.decrypted_raw_key, nonce);
  END IF;
  RETURN pgsodium.crypto_aead_det_decrypt(message, additional, key.key_id, key.key_context, nonce);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STABLE
  SET search_path='';

ALTER FUNCTION pgsodium.crypto_aead_det_decrypt(bytea, bytea, uuid, bytea) OWNER TO pgsodium_keymaker;

-- IETF AEAD functions by key uuid

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_ietf_encrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  RETURNS bytea AS
  $$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-ietf';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_ietf_encrypt(message, additional, nonce, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_aead_ietf_encrypt(message, additional, nonce, key.key_id, key.key_context);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STRICT
  STABLE
  SET search_path=''
;

ALTER FUNCTION pgsodium.crypto_aead_ietf_encrypt(bytea, bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

GRANT EXECUTE ON FUNCTION
  pgsodium.crypto_aead_ietf_encrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  TO pgsodium_keyiduser;

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_ietf_decrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  RETURNS bytea AS
  $$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-ietf';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_ietf_decrypt(message, additional, nonce, key.decrypted_raw_key);
  END IF;
  RETURN pgsodium.crypto_aead_ietf_decrypt(message, additional, nonce, key.key_id, key.key_context);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STRICT
  STABLE
  SET search_path='';

ALTER FUNCTION pgsodium.crypto_aead_ietf_decrypt(bytea, bytea, bytea, uuid) OWNER TO pgsodium_keymaker;

GRANT EXECUTE ON FUNCTION
  pgsodium.crypto_aead_ietf_decrypt(message bytea, additional bytea, nonce bytea, key_uuid uuid)
  TO pgsodium_keyiduser;

-- bytea and extended associated data support for encrypted columns

DROP VIEW pgsodium.masking_rule CASCADE;

CREATE OR REPLACE VIEW pgsodium.masking_rule AS
  WITH const AS (
    SELECT
      'encrypt +with +key +id +([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
        AS pattern_key_id,
      'encrypt +with +key +column +(\w+)'
        AS pattern_key_id_column,
      '(?<=associated) +\(([\w, ]+)\)'
        AS pattern_associated_columns,
      '(?<=nonce) +(\w+)'
        AS pattern_nonce_column,
      '(?<=decrypt with view) +(\w+\.\w+)'
        AS pattern_view_name
  ),
  rules_from_seclabels AS (
    SELECT
      sl.objoid AS attrelid,
      sl.objsubid  AS attnum,
      c.relnamespace::regnamespace,
      c.relname,
      a.attname,
      pg_catalog.format_type(a.atttypid, a.atttypmod),
      sl.label AS col_description,
      (regexp_match(sl.label, k.pattern_key_id_column, 'i'))[1] AS key_id_column,
      (regexp_match(sl.label, k.pattern_key_id, 'i'))[1] AS key_id,
      (regexp_match(sl.label, k.pattern_associated_columns, 'i'))[1] AS associated_columns,
      (regexp_match(sl.label, k.pattern_nonce_column, 'i'))[1] AS nonce_column,
      coalesce((regexp_match(sl2.label, k.pattern_view_name, 'i'))[1],
               c.relnamespace::regnamespace || '.' || quote_ident('decrypted_' || c.relname)) AS view_name,
      100 AS priority
      FROM const k,
           pg_catalog.pg_seclabel sl
           JOIN pg_catalog.pg_class c ON sl.classoid = c.tableoid AND sl.objoid = c.oid
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND sl.objsubid = a.attnum
           LEFT JOIN pg_catalog.pg_seclabel sl2 ON sl2.objoid = c.oid AND sl2.objsubid = 0
     WHERE a.attnum > 0
       AND c.relnamespace::regnamespace != 'pg_catalog'::regnamespace
       AND NOT a.attisdropped
       AND sl.label ilike 'ENCRYPT%'
       AND sl.provider = 'pgsodium'
  )
  SELECT
    DISTINCT ON (attrelid, attnum) *
    FROM rules_from_seclabels
   ORDER BY attrelid, attnum, priority DESC;

CREATE VIEW pgsodium.mask_columns AS SELECT
  a.attname,
  a.attrelid,
  m.key_id,
  m.key_id_column,
  m.associated_columns,
  m.nonce_column,
  m.format_type
  FROM pg_attribute a
  LEFT JOIN  pgsodium.masking_rule m
  ON m.attrelid = a.attrelid
  AND m.attname = a.attname
  WHERE  a.attnum > 0 -- exclude ctid, cmin, cmax
  AND    NOT a.attisdropped
  ORDER BY a.attnum;

CREATE OR REPLACE FUNCTION pgsodium.quote_assoc(text, boolean = false)
RETURNS text
AS $$
    WITH a AS (SELECT array_agg(CASE WHEN $2 THEN
                                    'new.' || quote_ident(trim(v))
                                ELSE quote_ident(trim(v)) END) as r
               FROM regexp_split_to_table($1, '\s*,\s*') as v)
    SELECT array_to_string(a.r, '::text || ') || '::text' FROM a;
$$ LANGUAGE sql;

CREATE OR REPLACE FUNCTION pgsodium.encrypted_columns(relid OID)
RETURNS TEXT AS
$$
DECLARE
    m RECORD;
    expression TEXT;
    comma TEXT;
BEGIN
  expression := '';
  comma := E'        ';
  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
    IF m.key_id IS NULL AND m.key_id_column is NULL THEN
      CONTINUE;
    ELSE
      expression := expression || comma;
      IF m.format_type = 'text' THEN
          expression := expression || format(
            $f$%s = CASE WHEN %s IS NULL THEN NULL ELSE pg_catalog.encode(
              pgsodium.crypto_aead_det_encrypt(
                pg_catalog.convert_to(%s, 'utf8'),
                pg_catalog.convert_to((%s)::text, 'utf8'),
                %s::uuid,
                %s
              ),
                'base64') END$f$,
                'new.' || quote_ident(m.attname),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                'new.' || quote_ident(m.attname),
                COALESCE(pgsodium.quote_assoc(m.associated_columns, true), quote_literal('')),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
          );
      ELSIF m.format_type = 'bytea' THEN
          expression := expression || format(
            $f$%s = CASE WHEN %s IS NULL THEN NULL ELSE
                        pgsodium.crypto_aead_det_encrypt(%s::bytea, pg_catalog.convert_to((%s)::text, 'utf8'),
                %s::uuid,
                %s
              ) END
              $f$,
                'new.' || quote_ident(m.attname),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                'new.' || quote_ident(m.attname),
                COALESCE(pgsodium.quote_assoc(m.associated_columns, true), quote_literal('')),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
          );
      END IF;
    END IF;
    comma := E';\n        ';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
  ;

CREATE OR REPLACE FUNCTION pgsodium.decrypted_columns(relid OID)
RETURNS TEXT AS
$$
DECLARE
  m RECORD;
  expression TEXT;
  comma TEXT;
  padding text = '        ';
BEGIN
  expression := E'\n';
  comma := padding;
  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
    expression := expression || comma;
    IF m.key_id IS NULL AND m.key_id_column IS NULL THEN
      expression := expression || padding || quote_ident(m.attname);
    ELSE
      expression := expression || padding || quote_ident(m.attname) || E',\n';
      IF m.format_type = 'text' THEN
          expression := expression || format(
            $f$
            CASE WHEN %s IS NULL THEN NULL ELSE pg_catalog.convert_from(
              pgsodium.crypto_aead_det_decrypt(
                pg_catalog.decode(%s, 'base64'),
                pg_catalog.convert_to((%s)::text, 'utf8'),
                %s::uuid,
                %s
              ),
                'utf8') END AS %s$f$,
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                quote_ident(m.attname),
                coalesce(pgsodium.quote_assoc(m.associated_columns), quote_literal('')),
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                coalesce(quote_ident(m.nonce_column), 'NULL'),
                'decrypted_' || quote_ident(m.attname)
          );
      ELSIF m.format_type = 'bytea' THEN
          expression := expression || format(
            $f$
            CASE WHEN %s IS NULL THEN NULL ELSE pgsodium.crypto_aead_det_decrypt(
                %s::bytea,
                pg_catalog.convert_to((%s)::text, 'utf8'),
                %s::uuid,
                %s
              ) END AS %s$f$,
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                quote_ident(m.attname),
                coalesce(pgsodium.quote_assoc(m.associated_columns), quote_literal('')),
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                coalesce(quote_ident(m.nonce_column), 'NULL'),
                'decrypted_' || quote_ident(m.attname)
          );
      END IF;
    END IF;
    comma := E',       \n';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
;

CREATE OR REPLACE FUNCTION pgsodium.mask_role(masked_role regrole, source_name text, view_name text)
  RETURNS void AS
  $$
BEGIN
  EXECUTE format('GRANT pgsodium_keyiduser TO %s', masked_role);
  EXECUTE format('GRANT ALL ON %s TO %s', view_name, masked_role);
  RETURN;
END
$$
LANGUAGE plpgsql
SET search_path=''
;

CREATE OR REPLACE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false) RETURNS void AS
  $$
DECLARE
  body text;
  source_name text;
  rule pgsodium.masking_rule;
BEGIN
  SELECT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid and attnum = subid ;

  source_name := relid::regclass;

  body = format(
    $c$
    DROP VIEW IF EXISTS %s;
    CREATE VIEW %s AS SELECT %s
    FROM %s;
    $c$,
    rule.view_name,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  body = format(
    $c$
    CREATE OR REPLACE FUNCTION %s.%s_encrypt_secret()
      RETURNS TRIGGER
      LANGUAGE plpgsql
      AS $t$
    BEGIN
    %s;
    RETURN new;
    END;
    $t$;

    DROP TRIGGER IF EXISTS %s_encrypt_secret_trigger ON %s.%s;

    CREATE TRIGGER %s_encrypt_secret_trigger
      BEFORE INSERT ON %s
      FOR EACH ROW
      EXECUTE FUNCTION %s.%s_encrypt_secret ();
      $c$,
    rule.relnamespace,
    rule.relname,
    pgsodium.encrypted_columns(relid),
    rule.relname,
    rule.relnamespace,
    rule.relname,
    rule.relname,
    source_name,
    rule.relnamespace,
    rule.relname
  );
  if debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

CREATE OR REPLACE FUNCTION pgsodium.update_masks(debug boolean = false)
RETURNS void AS
  $$
BEGIN
  PERFORM pgsodium.create_mask_view(objoid, objsubid, debug)
    FROM (SELECT sl.objoid, sl.objsubid
            FROM pg_catalog.pg_seclabel sl, pg_catalog.pg_class cl, pg_catalog.pg_namespace ns
           WHERE sl.classoid = cl.oid
             AND cl.relnamespace = ns.oid
             AND cl.relkind IN ('r', 'p', 'f') -- table, partition, or foreign
             AND sl.label ilike 'ENCRYPT%'
             AND sl.provider = 'pgsodium') c;
  RETURN;
END
$$
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path=''
;

DO $$
DECLARE
  func text;
BEGIN
    FOREACH func IN ARRAY
      ARRAY[
        'pgsodium.crypto_auth_hmacsha256(bytea, bigint, bytea)',
        'pgsodium.crypto_auth_hmacsha256_verify(bytea, bytea, bigint, bytea)',
        'pgsodium.crypto_auth_hmacsha512(bytea, bigint, bytea)',
        'pgsodium.crypto_auth_hmacsha512_verify(bytea, bytea, bigint, bytea)',
        'pgsodium.crypto_auth_hmacsha256(bytea, uuid)',
        'pgsodium.crypto_auth_hmacsha256_verify(bytea, bytea, uuid)',
        'pgsodium.crypto_auth_hmacsha512(bytea, uuid)',
        'pgsodium.crypto_auth_hmacsha512_verify(bytea, bytea, uuid)',
        'pgsodium.crypto_auth(bytea, uuid)',
        'pgsodium.crypto_auth_verify(bytea, bytea, uuid)',
        'pgsodium.crypto_shorthash(bytea, uuid)',
        'pgsodium.crypto_generichash(bytea, uuid)',
        'pgsodium.crypto_kdf_derive_from_key(integer, bigint, bytea, uuid)',
        'pgsodium.crypto_secretbox(bytea, bytea, uuid)',
        'pgsodium.crypto_secretbox_open(bytea, bytea, uuid)',
        'pgsodium.crypto_aead_det_encrypt(bytea, bytea, uuid)',
        'pgsodium.crypto_aead_det_decrypt(bytea, bytea, uuid)',
        'pgsodium.crypto_aead_det_encrypt(bytea, bytea, uuid, bytea)',
        'pgsodium.crypto_aead_det_decrypt(bytea, bytea, uuid, bytea)',
        'pgsodium.crypto_aead_ietf_encrypt(bytea, bytea, bytea, uuid)',
        'pgsodium.crypto_aead_ietf_decrypt(bytea, bytea, bytea, uuid)'
    ]
    LOOP
        EXECUTE format($i$
            REVOKE ALL ON FUNCTION %s FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION %s TO pgsodium_keyiduser;
        $i$, func, func);
    END LOOP;
END
$$;

-- supaform stand-in: SECURITY LABEL needs pgsodium's label provider, which is C. The
-- label is written to pg_seclabel directly, then the masks are built as the
-- provider's event trigger would build them:
-- SECURITY LABEL FOR pgsodium ON COLUMN pgsodium.key.raw_key
--     IS 'ENCRYPT WITH KEY COLUMN parent_key ASSOCIATED (id, associated_data) NONCE raw_key_nonce';
INSERT INTO pg_catalog.pg_seclabel (objoid, classoid, objsubid, provider, label)
SELECT 'pgsodium.key'::regclass, 'pg_catalog.pg_class'::regclass, a.attnum, 'pgsodium', 'ENCRYPT WITH KEY COLUMN parent_key ASSOCIATED (id, associated_data) NONCE raw_key_nonce'
FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'pgsodium.key'::regclass AND a.attname = 'raw_key';
SELECT pgsodium.update_masks();

ALTER EXTENSION pgsodium DROP VIEW pgsodium.decrypted_key;
GRANT SELECT ON pgsodium.decrypted_key TO pgsodium_keymaker;

-- ======================================================================
-- pgsodium--3.0.5--3.0.6.sql
-- ======================================================================

DROP EVENT TRIGGER  pgsodium_trg_mask_update;

CREATE EVENT TRIGGER pgsodium_trg_mask_update
  ON ddl_command_end
  WHEN TAG IN (
    'SECURITY LABEL'
  )
  EXECUTE PROCEDURE pgsodium.trg_mask_update()
;

ALTER EXTENSION pgsodium DROP FUNCTION pgsodium.key_encrypt_secret();

CREATE FUNCTION pgsodium.update_mask(target oid, debug boolean = false)
RETURNS void AS
  $$
BEGIN
  ALTER EVENT TRIGGER pgsodium_trg_mask_update DISABLE;
  PERFORM pgsodium.create_mask_view(objoid, objsubid, debug)
    FROM pg_catalog.pg_seclabel
    WHERE objoid = target
        AND label ILIKE 'ENCRYPT%'
        AND provider = 'pgsodium';
  ALTER EVENT TRIGGER pgsodium_trg_mask_update ENABLE;
  RETURN;
END
$$
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path=''
;

CREATE OR REPLACE FUNCTION pgsodium.update_masks(debug boolean = false)
RETURNS void AS
  $$
BEGIN
  PERFORM pgsodium.update_mask(objoid, debug)
    FROM pg_catalog.pg_seclabel
    WHERE label ilike 'ENCRYPT%'
       AND provider = 'pgsodium';
  RETURN;
END
$$
  LANGUAGE plpgsql
  SET search_path=''
;

CREATE OR REPLACE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false) RETURNS void AS
  $$
DECLARE
  body text;
  source_name text;
  rule pgsodium.masking_rule;
BEGIN
  SELECT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid and attnum = subid ;

  source_name := relid::regclass;

  body = format(
    $c$
    DROP VIEW IF EXISTS %s;
    CREATE VIEW %s AS SELECT %s
    FROM %s;
    $c$,
    rule.view_name,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  body = format(
    $c$
    DROP FUNCTION IF EXISTS %s.%s_encrypt_secret() CASCADE;

    CREATE OR REPLACE FUNCTION %s.%s_encrypt_secret()
      RETURNS TRIGGER
      LANGUAGE plpgsql
      AS $t$
    BEGIN
    %s;
    RETURN new;
    END;
    $t$;

    DROP TRIGGER IF EXISTS %s_encrypt_secret_trigger ON %s.%s;

    CREATE TRIGGER %s_encrypt_secret_trigger
      BEFORE INSERT ON %s
      FOR EACH ROW
      EXECUTE FUNCTION %s.%s_encrypt_secret ();
      $c$,
    rule.relnamespace,
    rule.relname,
    rule.relnamespace,
    rule.relname,
    pgsodium.encrypted_columns(relid),
    rule.relname,
    rule.relnamespace,
    rule.relname,
    rule.relname,
    source_name,
    rule.relnamespace,
    rule.relname
  );
  if debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

-- ======================================================================
-- pgsodium--3.0.6--3.0.7.sql
-- ======================================================================


-- This is for bw compat with old dumps that don't go through the UPDATE TO process
ALTER TABLE pgsodium.key ADD COLUMN comment text;

CREATE FUNCTION pgsodium.get_key_by_id(uuid) RETURNS pgsodium.valid_key
AS $$
    SELECT * from pgsodium.valid_key WHERE id = $1;
$$
SECURITY DEFINER
LANGUAGE sql
SET search_path = '';


CREATE FUNCTION pgsodium.get_key_by_name(text) RETURNS pgsodium.valid_key
AS $$
    SELECT * from pgsodium.valid_key WHERE name = $1;
$$
SECURITY DEFINER
LANGUAGE sql
SET search_path = '';

CREATE FUNCTION pgsodium.get_named_keys(filter text='%') RETURNS SETOF pgsodium.valid_key
AS $$
    SELECT * from pgsodium.valid_key vk WHERE vk.name ILIKE filter;
$$
SECURITY DEFINER
LANGUAGE sql
SET search_path = '';


DROP FUNCTION pgsodium.create_mask_view(oid, integer, boolean);
CREATE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false)
    RETURNS void AS
  $$
DECLARE
  body text;
  source_name text;
  view_owner text = session_user;
  rule pgsodium.masking_rule;
BEGIN
  SELECT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid and attnum = subid ;

  source_name := relid::regclass;

  body = format(
    $c$
    DROP VIEW IF EXISTS %s;
    CREATE VIEW %s AS SELECT %s
    FROM %s;
    ALTER VIEW %s OWNER TO %s;
    $c$,
    rule.view_name,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name,
    rule.view_name,
    view_owner
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  body = format(
    $c$
    DROP FUNCTION IF EXISTS %s.%s_encrypt_secret() CASCADE;

    CREATE OR REPLACE FUNCTION %s.%s_encrypt_secret()
      RETURNS TRIGGER
      LANGUAGE plpgsql
      AS $t$
    BEGIN
    %s;
    RETURN new;
    END;
    $t$;

    ALTER FUNCTION  %s.%s_encrypt_secret() OWNER TO %s;

    DROP TRIGGER IF EXISTS %s_encrypt_secret_trigger ON %s.%s;

    CREATE TRIGGER %s_encrypt_secret_trigger
      BEFORE INSERT ON %s
      FOR EACH ROW
      EXECUTE FUNCTION %s.%s_encrypt_secret ();
      $c$,
    rule.relnamespace,
    rule.relname,
    rule.relnamespace,
    rule.relname,
    pgsodium.encrypted_columns(relid),
    rule.relnamespace,
    rule.relname,
    view_owner,
    rule.relname,
    rule.relnamespace,
    rule.relname,
    rule.relname,
    source_name,
    rule.relnamespace,
    rule.relname
  );
  if debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

CREATE FUNCTION pgsodium.enable_security_label_trigger() RETURNS void AS
  $$
    ALTER EVENT TRIGGER pgsodium_trg_mask_update ENABLE;
  $$
  LANGUAGE sql
  SECURITY DEFINER
  SET search_path=''
;

CREATE FUNCTION pgsodium.disable_security_label_trigger() RETURNS void AS
  $$
    ALTER EVENT TRIGGER pgsodium_trg_mask_update DISABLE;
  $$
  LANGUAGE sql
  SECURITY DEFINER
  SET search_path=''
;

DROP FUNCTION pgsodium.update_mask(oid, boolean);
CREATE FUNCTION pgsodium.update_mask(target oid, debug boolean = false)
RETURNS void AS
  $$
BEGIN
  PERFORM pgsodium.disable_security_label_trigger();
  PERFORM pgsodium.create_mask_view(objoid, objsubid, debug)
    FROM pg_catalog.pg_seclabel sl
    WHERE sl.objoid = target
      AND sl.label ILIKE 'ENCRYPT%'
      AND sl.provider = 'pgsodium';
  PERFORM pgsodium.enable_security_label_trigger();
  RETURN;
END
$$
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path=''
;

DROP FUNCTION pgsodium.update_masks(boolean);
CREATE FUNCTION pgsodium.update_masks(debug boolean = false)
RETURNS void AS
  $$
BEGIN
  PERFORM pgsodium.update_mask(objoid, debug)
    FROM pg_catalog.pg_seclabel sl
    JOIN pg_catalog.pg_class cl ON (cl.oid = sl.objoid)
    WHERE label ilike 'ENCRYPT%'
       AND cl.relowner = session_user::regrole::oid
       AND provider = 'pgsodium';
  RETURN;
END
$$
  LANGUAGE plpgsql
  SET search_path=''
;

CREATE OR REPLACE FUNCTION pgsodium.crypto_aead_det_encrypt(message bytea, additional bytea, key_uuid uuid, nonce bytea)
  RETURNS bytea AS
$$
DECLARE
  key pgsodium.decrypted_key;
BEGIN
  SELECT * INTO STRICT key
    FROM pgsodium.decrypted_key v
  WHERE id = key_uuid AND key_type = 'aead-det';

  IF key.decrypted_raw_key IS NOT NULL THEN
    RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key.decrypted_raw_key, nonce);
  END IF;
  RETURN pgsodium.crypto_aead_det_encrypt(message, additional, key.key_id, key.key_context, nonce);
END;
  $$
  LANGUAGE plpgsql
  SECURITY DEFINER
  STABLE
  SET search_path=''
  ;
    
CREATE OR REPLACE FUNCTION pgsodium.mask_role(masked_role regrole, source_name text, view_name text)
  RETURNS void AS
  $$
  DECLARE
  mask_schema REGNAMESPACE = 'pgsodium_masks';
  source_schema REGNAMESPACE = (regexp_split_to_array(source_name, '\.'))[1];
BEGIN
  EXECUTE format(
    'GRANT SELECT ON pgsodium.key TO %s',
    masked_role);

  EXECUTE format(
    'GRANT pgsodium_keyiduser TO %s',
    masked_role);

  EXECUTE format(
    'GRANT ALL ON %s TO %s',
    view_name,
    masked_role);
  RETURN;
END
$$
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path='pg_catalog'
;


-- ======================================================================
-- pgsodium--3.0.7--3.1.0.sql
-- ======================================================================

CREATE OR REPLACE FUNCTION pgsodium.crypto_sign_update_agg1(state bytea, message bytea)
 RETURNS bytea
AS
$$
 SELECT pgsodium.crypto_sign_update(COALESCE(state, pgsodium.crypto_sign_init()), message);
$$
LANGUAGE SQL IMMUTABLE;

COMMENT ON FUNCTION pgsodium.crypto_sign_update_agg1(bytea, bytea) IS
'Internal helper function for crypto_sign_update_agg(bytea). This
initializes state if it has not already been initialized.';

CREATE OR REPLACE FUNCTION pgsodium.crypto_sign_update_agg2(cur_state bytea,
                 initial_state bytea,
				 message bytea)
 RETURNS bytea
as
$$
 SELECT pgsodium.crypto_sign_update(
       COALESCE(cur_state, initial_state),
	   message)
$$
LANGUAGE SQL IMMUTABLE;

COMMENT ON FUNCTION pgsodium.crypto_sign_update_agg2(bytea, bytea, bytea) IS
'Internal helper function for crypto_sign_update_agg(bytea, bytea). This
initializes state to the state passed to the aggregate as a parameter,
if it has not already been initialized.';

CREATE OR REPLACE AGGREGATE pgsodium.crypto_sign_update_agg(message bytea)
 (
  SFUNC = pgsodium.crypto_sign_update_agg1,
  STYPE = bytea,
  PARALLEL = unsafe);

COMMENT ON AGGREGATE pgsodium.crypto_sign_update_agg(bytea) IS
'Multi-part message signing aggregate that returns a state which can
then be finalised using crypto_sign_final() or to which other parts
can be added crypto_sign_update() or another message signing aggregate
function.

Note that when signing mutli-part messages using aggregates, the order
in which message parts is processed is critical. You *must* ensure
that the order of messages passed to the aggregate is invariant.';

CREATE OR REPLACE AGGREGATE pgsodium.crypto_sign_update_agg(state bytea, message bytea)
 (
  SFUNC = pgsodium.crypto_sign_update_agg2,
  STYPE = bytea,
  PARALLEL = unsafe);

COMMENT ON AGGREGATE pgsodium.crypto_sign_update_agg(bytea, bytea) IS
'Multi-part message signing aggregate that returns a state which can
then be finalised using crypto_sign_final() or to which other parts
can be added crypto_sign_update() or another message signing aggregate
function.

The first argument to this aggregate is the input state. This may be
the result of a previous crypto_sign_update_agg(), a previous
crypto_sign_update().

Note that when signing mutli-part messages using aggregates, the order
in which message parts is processed is critical. You *must* ensure
that the order of messages passed to the aggregate is invariant.';


CREATE OR REPLACE VIEW pgsodium.valid_key AS
  SELECT id, name, status, key_type, key_id, key_context, created, expires, associated_data
    FROM pgsodium.key
   WHERE  status IN ('valid', 'default')
     AND CASE WHEN expires IS NULL THEN true ELSE expires > now() END;

CREATE OR REPLACE VIEW pgsodium.masking_rule AS
  WITH const AS (
    SELECT
      'encrypt +with +key +id +([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
        AS pattern_key_id,
      'encrypt +with +key +column +([\w\"\-$]+)'
        AS pattern_key_id_column,
      '(?<=associated) +\(([\w\"\-$, ]+)\)'
        AS pattern_associated_columns,
      '(?<=nonce) +([\w\"\-$]+)'
        AS pattern_nonce_column,
      '(?<=decrypt with view) +([\w\"\-$]+\.[\w\"\-$]+)'
        AS pattern_view_name
  ),
  rules_from_seclabels AS (
    SELECT
      sl.objoid AS attrelid,
      sl.objsubid  AS attnum,
      c.relnamespace::regnamespace,
      c.relname,
      a.attname,
      pg_catalog.format_type(a.atttypid, a.atttypmod),
      sl.label AS col_description,
      (regexp_match(sl.label, k.pattern_key_id_column, 'i'))[1] AS key_id_column,
      (regexp_match(sl.label, k.pattern_key_id, 'i'))[1] AS key_id,
      (regexp_match(sl.label, k.pattern_associated_columns, 'i'))[1] AS associated_columns,
      (regexp_match(sl.label, k.pattern_nonce_column, 'i'))[1] AS nonce_column,
      coalesce((regexp_match(sl2.label, k.pattern_view_name, 'i'))[1],
               c.relnamespace::regnamespace || '.' || quote_ident('decrypted_' || c.relname)) AS view_name,
      100 AS priority
      FROM const k,
           pg_catalog.pg_seclabel sl
           JOIN pg_catalog.pg_class c ON sl.classoid = c.tableoid AND sl.objoid = c.oid
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND sl.objsubid = a.attnum
           LEFT JOIN pg_catalog.pg_seclabel sl2 ON sl2.objoid = c.oid AND sl2.objsubid = 0
     WHERE a.attnum > 0
       AND c.relnamespace::regnamespace != 'pg_catalog'::regnamespace
       AND NOT a.attisdropped
       AND sl.label ilike 'ENCRYPT%'
       AND sl.provider = 'pgsodium'
  )
  SELECT
    DISTINCT ON (attrelid, attnum) *
    FROM rules_from_seclabels
   ORDER BY attrelid, attnum, priority DESC;

CREATE OR REPLACE FUNCTION pgsodium.encrypted_columns(relid OID)
RETURNS TEXT AS
$$
DECLARE
    m RECORD;
    expression TEXT;
    comma TEXT;
BEGIN
  expression := '';
  comma := E'        ';
  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
    IF m.key_id IS NULL AND m.key_id_column is NULL THEN
      CONTINUE;
    ELSE
      expression := expression || comma;
      IF m.format_type = 'text' THEN
          expression := expression || format(
            $f$%s = CASE WHEN %s IS NULL THEN NULL ELSE
                CASE WHEN %s IS NULL THEN NULL ELSE pg_catalog.encode(
                  pgsodium.crypto_aead_det_encrypt(
                    pg_catalog.convert_to(%s, 'utf8'),
                    pg_catalog.convert_to((%s)::text, 'utf8'),
                    %s::uuid,
                    %s
                  ),
                    'base64') END END$f$,
                'new.' || quote_ident(m.attname),
                'new.' || quote_ident(m.attname),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                'new.' || quote_ident(m.attname),
                COALESCE(pgsodium.quote_assoc(m.associated_columns, true), quote_literal('')),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
          );
      ELSIF m.format_type = 'bytea' THEN
          expression := expression || format(
            $f$%s = CASE WHEN %s IS NULL THEN NULL ELSE
                CASE WHEN %s IS NULL THEN NULL ELSE
                        pgsodium.crypto_aead_det_encrypt(%s::bytea, pg_catalog.convert_to((%s)::text, 'utf8'),
                %s::uuid,
                %s
              ) END END$f$,
                'new.' || quote_ident(m.attname),
                'new.' || quote_ident(m.attname),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                'new.' || quote_ident(m.attname),
                COALESCE(pgsodium.quote_assoc(m.associated_columns, true), quote_literal('')),
                COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
                COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
          );
      END IF;
    END IF;
    comma := E';\n        ';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
  ;

CREATE OR REPLACE FUNCTION pgsodium.decrypted_columns(relid OID)
RETURNS TEXT AS
$$
DECLARE
  m RECORD;
  expression TEXT;
  comma TEXT;
  padding text = '        ';
BEGIN
  expression := E'\n';
  comma := padding;
  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
    expression := expression || comma;
    IF m.key_id IS NULL AND m.key_id_column IS NULL THEN
      expression := expression || padding || quote_ident(m.attname);
    ELSE
      expression := expression || padding || quote_ident(m.attname) || E',\n';
      IF m.format_type = 'text' THEN
          expression := expression || format(
            $f$
            CASE WHEN %s IS NULL THEN NULL ELSE
                CASE WHEN %s IS NULL THEN NULL ELSE pg_catalog.convert_from(
                  pgsodium.crypto_aead_det_decrypt(
                    pg_catalog.decode(%s, 'base64'),
                    pg_catalog.convert_to((%s)::text, 'utf8'),
                    %s::uuid,
                    %s
                  ),
                    'utf8') END
                END AS %s$f$,
                quote_ident(m.attname),
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                quote_ident(m.attname),
                coalesce(pgsodium.quote_assoc(m.associated_columns), quote_literal('')),
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                coalesce(quote_ident(m.nonce_column), 'NULL'),
                quote_ident('decrypted_' || m.attname)
          );
      ELSIF m.format_type = 'bytea' THEN
          expression := expression || format(
            $f$
            CASE WHEN %s IS NULL THEN NULL ELSE
                CASE WHEN %s IS NULL THEN NULL ELSE pgsodium.crypto_aead_det_decrypt(
                    %s::bytea,
                    pg_catalog.convert_to((%s)::text, 'utf8'),
                    %s::uuid,
                    %s
                  ) END
                END AS %s$f$,
                quote_ident(m.attname),
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                quote_ident(m.attname),
                coalesce(pgsodium.quote_assoc(m.associated_columns), quote_literal('')),
                coalesce(quote_ident(m.key_id_column), quote_literal(m.key_id)),
                coalesce(quote_ident(m.nonce_column), 'NULL'),
                'decrypted_' || quote_ident(m.attname)
          );
      END IF;
    END IF;
    comma := E',       \n';
  END LOOP;
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
;

ALTER FUNCTION pgsodium.crypto_aead_ietf_encrypt(bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_aead_ietf_encrypt(bytea, bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_aead_ietf_encrypt(bytea, bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_aead_ietf_decrypt(bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_aead_ietf_decrypt(bytea, bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_aead_ietf_decrypt(bytea, bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_auth(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth(bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth(bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_auth_verify(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_verify(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_verify(bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_box_seed_new_keypair(bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_box(bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_box_open(bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_box_seal(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_box_seal_open(bytea, bytea, bytea) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_generichash(bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_generichash(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_generichash(bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_shorthash(bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_shorthash(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_shorthash(bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.sodium_bin2base64(bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.sodium_base642bin(text) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_auth_hmacsha512(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha512(bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha512(bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_auth_hmacsha512_verify(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha512_verify(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha512_verify(bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_auth_hmacsha256(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha256(bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha256(bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION pgsodium.crypto_auth_hmacsha256_verify(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha256_verify(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION pgsodium.crypto_auth_hmacsha256_verify(bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_kdf_derive_from_key(bigint, bigint, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_pwhash(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_pwhash_str(bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_pwhash_str_verify(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION randombytes_uniform(integer) CALLED ON NULL INPUT;
ALTER FUNCTION randombytes_buf(integer) CALLED ON NULL INPUT;
ALTER FUNCTION randombytes_buf_deterministic(integer, bytea) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_secretbox(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_secretbox(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_secretbox(bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_secretbox_open(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_secretbox_open(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_secretbox_open(bytea, bytea, uuid) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_hash_sha256(bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_hash_sha512(bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_seed_new_keypair(bytea) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_sign(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_detached(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_final_create(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_final_verify(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_open(bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_seed_new_keypair(bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_sign_verify_detached(bytea, bytea, bytea) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_signcrypt_sign_after(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_signcrypt_sign_before(bytea, bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_signcrypt_verify_after(bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_signcrypt_verify_before(bytea, bytea, bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_signcrypt_verify_public(bytea, bytea, bytea, bytea, bytea, bytea) CALLED ON NULL INPUT;

ALTER FUNCTION crypto_stream_xchacha20(bigint, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_stream_xchacha20(bigint, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_stream_xchacha20_xor(bytea, bytea, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_stream_xchacha20_xor(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_stream_xchacha20_xor_ic(bytea, bytea, bigint, bytea) CALLED ON NULL INPUT;
ALTER FUNCTION crypto_stream_xchacha20_xor_ic(bytea, bytea, bigint, bigint, bytea) CALLED ON NULL INPUT;

CREATE OR REPLACE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false)
    RETURNS void AS
  $$
DECLARE
  body text;
  source_name text;
  view_owner regrole = session_user;
  rule pgsodium.masking_rule;
BEGIN
  SELECT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid and attnum = subid ;

  source_name := relid::regclass;

  body = format(
    $c$
    DROP VIEW IF EXISTS %s;
    CREATE VIEW %s AS SELECT %s
    FROM %s;
    ALTER VIEW %s OWNER TO %s;
    $c$,
    rule.view_name,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name,
    rule.view_name,
    view_owner
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  body = format(
    $c$
    DROP FUNCTION IF EXISTS %s."%s_encrypt_secret"() CASCADE;

    CREATE OR REPLACE FUNCTION %s."%s_encrypt_secret"()
      RETURNS TRIGGER
      LANGUAGE plpgsql
      AS $t$
    BEGIN
    %s;
    RETURN new;
    END;
    $t$;

    ALTER FUNCTION  %s."%s_encrypt_secret"() OWNER TO %s;

    DROP TRIGGER IF EXISTS "%s_encrypt_secret_trigger" ON %s;

    CREATE TRIGGER "%s_encrypt_secret_trigger"
      BEFORE INSERT OR UPDATE ON %s
      FOR EACH ROW
      EXECUTE FUNCTION %s."%s_encrypt_secret" ();
      $c$,
    rule.relnamespace,
    rule.relname,
    rule.relnamespace,
    rule.relname,
    pgsodium.encrypted_columns(relid),
    rule.relnamespace,
    rule.relname,
    view_owner,
    rule.relname,
    source_name,
    rule.relname,
    source_name,
    rule.relnamespace,
    rule.relname
  );
  if debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

-- ======================================================================
-- pgsodium--3.1.0--3.1.1.sql
-- ======================================================================


CREATE OR REPLACE FUNCTION pgsodium.encrypted_column(relid OID, m record)
RETURNS TEXT AS
$$
DECLARE
    expression TEXT;
    comma TEXT;
BEGIN
  expression := '';
  comma := E'        ';
  expression := expression || comma;
  IF m.format_type = 'text' THEN
	  expression := expression || format(
		$f$%s = CASE WHEN %s IS NULL THEN NULL ELSE
			CASE WHEN %s IS NULL THEN NULL ELSE pg_catalog.encode(
			  pgsodium.crypto_aead_det_encrypt(
				pg_catalog.convert_to(%s, 'utf8'),
				pg_catalog.convert_to((%s)::text, 'utf8'),
				%s::uuid,
				%s
			  ),
				'base64') END END$f$,
			'new.' || quote_ident(m.attname),
			'new.' || quote_ident(m.attname),
			COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
			'new.' || quote_ident(m.attname),
			COALESCE(pgsodium.quote_assoc(m.associated_columns, true), quote_literal('')),
			COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
			COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
	  );
  ELSIF m.format_type = 'bytea' THEN
	  expression := expression || format(
		$f$%s = CASE WHEN %s IS NULL THEN NULL ELSE
			CASE WHEN %s IS NULL THEN NULL ELSE
					pgsodium.crypto_aead_det_encrypt(%s::bytea, pg_catalog.convert_to((%s)::text, 'utf8'),
			%s::uuid,
			%s
		  ) END END$f$,
			'new.' || quote_ident(m.attname),
			'new.' || quote_ident(m.attname),
			COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
			'new.' || quote_ident(m.attname),
			COALESCE(pgsodium.quote_assoc(m.associated_columns, true), quote_literal('')),
			COALESCE('new.' || quote_ident(m.key_id_column), quote_literal(m.key_id)),
			COALESCE('new.' || quote_ident(m.nonce_column), 'NULL')
	  );
  END IF;
  comma := E';\n        ';
  RETURN expression;
END
$$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path=''
  ;


CREATE OR REPLACE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false)
    RETURNS void AS
  $$
DECLARE
  m record;
  body text;
  source_name text;
  view_owner regrole = session_user;
  rule pgsodium.masking_rule;
BEGIN
  SELECT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid and attnum = subid ;

  source_name := relid::regclass;

  body = format(
    $c$
    DROP VIEW IF EXISTS %s;
    CREATE VIEW %s AS SELECT %s
    FROM %s;
    ALTER VIEW %s OWNER TO %s;
    $c$,
    rule.view_name,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name,
    rule.view_name,
    view_owner
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
	IF m.key_id IS NULL AND m.key_id_column is NULL THEN
	  CONTINUE;
	ELSE
	  body = format(
		$c$
		DROP FUNCTION IF EXISTS %s."%s_encrypt_secret_%s"() CASCADE;

		CREATE OR REPLACE FUNCTION %s."%s_encrypt_secret_%s"()
		  RETURNS TRIGGER
		  LANGUAGE plpgsql
		  AS $t$
		BEGIN
		%s;
		RETURN new;
		END;
		$t$;

		ALTER FUNCTION  %s."%s_encrypt_secret_%s"() OWNER TO %s;

		DROP TRIGGER IF EXISTS "%s_encrypt_secret_trigger_%s" ON %s;

		CREATE TRIGGER "%s_encrypt_secret_trigger_%s"
		  BEFORE INSERT OR UPDATE OF "%s" ON %s
		  FOR EACH ROW
		  EXECUTE FUNCTION %s."%s_encrypt_secret_%s" ();
		  $c$,
		rule.relnamespace,
		rule.relname,
		m.attname,
		rule.relnamespace,
		rule.relname,
		m.attname,
		pgsodium.encrypted_column(relid, m),
		rule.relnamespace,
		rule.relname,
		m.attname,
		view_owner,
		rule.relname,
		m.attname,
		source_name,
		rule.relname,
		m.attname,
		m.attname,
		source_name,
		rule.relnamespace,
		rule.relname,
		m.attname
	  );
	  if debug THEN
		RAISE NOTICE '%', body;
	  END IF;
	  EXECUTE body;
	END IF;
  END LOOP;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

CREATE OR REPLACE FUNCTION pgsodium.update_masks(debug boolean = false)
RETURNS void AS
  $$
BEGIN
  PERFORM pgsodium.update_mask(objoid, debug)
    FROM pg_catalog.pg_seclabel sl
    JOIN pg_catalog.pg_class cl ON (cl.oid = sl.objoid)
    WHERE label ilike 'ENCRYPT%'
       AND cl.relowner = session_user::regrole::oid
       AND provider = 'pgsodium'
	   AND objoid::regclass != 'pgsodium.key'::regclass
	;
  RETURN;
END
$$
  LANGUAGE plpgsql
  SET search_path=''
;

DROP TRIGGER key_encrypt_secret_trigger ON pgsodium.key;
DROP FUNCTION pgsodium.key_encrypt_secret();
SELECT pgsodium.update_mask('pgsodium.key'::regclass::oid);

-- ======================================================================
-- pgsodium--3.1.1--3.1.2.sql
-- ======================================================================

DROP EVENT TRIGGER  pgsodium_trg_mask_update;

CREATE EVENT TRIGGER pgsodium_trg_mask_update
  ON ddl_command_end
  WHEN TAG IN (
    'SECURITY LABEL',
    'ALTER TABLE'
  )
  EXECUTE PROCEDURE pgsodium.trg_mask_update()
;

-- ======================================================================
-- pgsodium--3.1.2--3.1.3.sql
-- ======================================================================


CREATE OR REPLACE FUNCTION pgsodium.trg_mask_update()
RETURNS EVENT_TRIGGER AS
$$
DECLARE
  r record;
BEGIN
  IF (select bool_or(in_extension) FROM pg_event_trigger_ddl_commands()) THEN
    RAISE NOTICE 'skipping pgsodium mask regeneration in extension';
	RETURN;
  END IF;
  PERFORM @extschema@.update_masks();
END
$$
  LANGUAGE plpgsql
  SET search_path=''
;
	

-- ======================================================================
-- pgsodium--3.1.3--3.1.4.sql
-- ======================================================================

ALTER TABLE pgsodium.key ADD COLUMN user_data text;  -- deprecated for b/w compat with <= 3.0.4

-- ======================================================================
-- pgsodium--3.1.4--3.1.5.sql
-- ======================================================================



CREATE OR REPLACE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false)
    RETURNS void AS
  $$
DECLARE
  m record;
  body text;
  source_name text;
  view_owner regrole = session_user;
  rule pgsodium.masking_rule;
  privs aclitem[];
  priv record;
BEGIN
  SELECT DISTINCT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid AND attnum = subid;
	
  source_name := relid::regclass::text;

  BEGIN
    SELECT relacl INTO STRICT privs FROM pg_catalog.pg_class WHERE oid = rule.view_name::regclass::oid;
  EXCEPTION
	WHEN undefined_table THEN
      SELECT relacl INTO STRICT privs FROM pg_catalog.pg_class WHERE oid = relid;
  END;

  body = format(
    $c$
    DROP VIEW IF EXISTS %s;
    CREATE VIEW %s AS SELECT %s
    FROM %s;
    ALTER VIEW %s OWNER TO %s;
    $c$,
    rule.view_name,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name,
    rule.view_name,
    view_owner
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  FOR priv IN SELECT * FROM pg_catalog.aclexplode(privs) LOOP
	body = format(
	  $c$
	  GRANT %s ON %s TO %s;
	  $c$,
	  priv.privilege_type,
	  rule.view_name,
	  priv.grantee::regrole::text
	);
	IF debug THEN
	  RAISE NOTICE '%', body;
	END IF;
	EXECUTE body;
  END LOOP;
	
  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
	IF m.key_id IS NULL AND m.key_id_column is NULL THEN
	  CONTINUE;
	ELSE
	  body = format(
		$c$
		DROP FUNCTION IF EXISTS %s."%s_encrypt_secret_%s"() CASCADE;

		CREATE OR REPLACE FUNCTION %s."%s_encrypt_secret_%s"()
		  RETURNS TRIGGER
		  LANGUAGE plpgsql
		  AS $t$
		BEGIN
		%s;
		RETURN new;
		END;
		$t$;

		ALTER FUNCTION  %s."%s_encrypt_secret_%s"() OWNER TO %s;

		DROP TRIGGER IF EXISTS "%s_encrypt_secret_trigger_%s" ON %s;

		CREATE TRIGGER "%s_encrypt_secret_trigger_%s"
		  BEFORE INSERT OR UPDATE OF "%s" ON %s
		  FOR EACH ROW
		  EXECUTE FUNCTION %s."%s_encrypt_secret_%s" ();
		  $c$,
		rule.relnamespace,
		rule.relname,
		m.attname,
		rule.relnamespace,
		rule.relname,
		m.attname,
		pgsodium.encrypted_column(relid, m),
		rule.relnamespace,
		rule.relname,
		m.attname,
		view_owner,
		rule.relname,
		m.attname,
		source_name,
		rule.relname,
		m.attname,
		m.attname,
		source_name,
		rule.relnamespace,
		rule.relname,
		m.attname
	  );
	  if debug THEN
		RAISE NOTICE '%', body;
	  END IF;
	  EXECUTE body;
	END IF;
  END LOOP;

  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

-- ======================================================================
-- pgsodium--3.1.5--3.1.6.sql
-- ======================================================================


SELECT pg_catalog.pg_extension_config_dump('pgsodium.key_key_id_seq', '');

-- ======================================================================
-- pgsodium--3.1.6--3.1.7.sql
-- ======================================================================

CREATE OR REPLACE VIEW pgsodium.masking_rule AS
  WITH const AS (
    SELECT
      'encrypt +with +key +id +([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
        AS pattern_key_id,
      'encrypt +with +key +column +([\w\"\-$]+)'
        AS pattern_key_id_column,
      '(?<=associated) +\(([\w\"\-$, ]+)\)'
        AS pattern_associated_columns,
      '(?<=nonce) +([\w\"\-$]+)'
        AS pattern_nonce_column,
      '(?<=decrypt with view) +([\w\"\-$]+\.[\w\"\-$]+)'
        AS pattern_view_name,
      '(?<=security invoker)'
        AS pattern_security_invoker
  ),
  rules_from_seclabels AS (
    SELECT
      sl.objoid AS attrelid,
      sl.objsubid  AS attnum,
      c.relnamespace::regnamespace,
      c.relname,
      a.attname,
      pg_catalog.format_type(a.atttypid, a.atttypmod),
      sl.label AS col_description,
      (regexp_match(sl.label, k.pattern_key_id_column, 'i'))[1] AS key_id_column,
      (regexp_match(sl.label, k.pattern_key_id, 'i'))[1] AS key_id,
      (regexp_match(sl.label, k.pattern_associated_columns, 'i'))[1] AS associated_columns,
      (regexp_match(sl.label, k.pattern_nonce_column, 'i'))[1] AS nonce_column,
      coalesce((regexp_match(sl2.label, k.pattern_view_name, 'i'))[1],
               c.relnamespace::regnamespace || '.' || quote_ident('decrypted_' || c.relname)) AS view_name,
      100 AS priority,
      (regexp_match(sl.label, k.pattern_security_invoker, 'i'))[1] IS NOT NULL AS security_invoker
      FROM const k,
           pg_catalog.pg_seclabel sl
           JOIN pg_catalog.pg_class c ON sl.classoid = c.tableoid AND sl.objoid = c.oid
           JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND sl.objsubid = a.attnum
           LEFT JOIN pg_catalog.pg_seclabel sl2 ON sl2.objoid = c.oid AND sl2.objsubid = 0
     WHERE a.attnum > 0
       AND c.relnamespace::regnamespace != 'pg_catalog'::regnamespace
       AND NOT a.attisdropped
       AND sl.label ilike 'ENCRYPT%'
       AND sl.provider = 'pgsodium'
  )
  SELECT
    DISTINCT ON (attrelid, attnum) *
    FROM rules_from_seclabels
   ORDER BY attrelid, attnum, priority DESC;

CREATE OR REPLACE FUNCTION pgsodium.mask_role(masked_role regrole, source_name text, view_name text)
  RETURNS void AS
  $$
BEGIN
  EXECUTE format(
    'GRANT SELECT ON pgsodium.key TO %s',
    masked_role);

  EXECUTE format(
    'GRANT pgsodium_keyiduser, pgsodium_keyholder TO %s',
    masked_role);

  EXECUTE format(
    'GRANT ALL ON %s TO %s',
    view_name,
    masked_role);
  RETURN;
END
$$
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path='pg_catalog'
;

CREATE OR REPLACE FUNCTION pgsodium.create_mask_view(relid oid, subid integer, debug boolean = false)
    RETURNS void AS
  $$
DECLARE
  m record;
  body text;
  source_name text;
  view_owner regrole = session_user;
  rule pgsodium.masking_rule;
  privs aclitem[];
  priv record;
BEGIN
  SELECT DISTINCT * INTO STRICT rule FROM pgsodium.masking_rule WHERE attrelid = relid AND attnum = subid;

  source_name := relid::regclass::text;

  BEGIN
    SELECT relacl INTO STRICT privs FROM pg_catalog.pg_class WHERE oid = rule.view_name::regclass::oid;
  EXCEPTION
	WHEN undefined_table THEN
      SELECT relacl INTO STRICT privs FROM pg_catalog.pg_class WHERE oid = relid;
  END;

  body = format(
    $c$
    DROP VIEW IF EXISTS %1$s;
    CREATE VIEW %1$s %5$s AS SELECT %2$s
    FROM %3$s;
    ALTER VIEW %1$s OWNER TO %4$s;
    $c$,
    rule.view_name,
    pgsodium.decrypted_columns(relid),
    source_name,
    view_owner,
    CASE WHEN rule.security_invoker THEN 'WITH (security_invoker=true)' ELSE '' END
  );
  IF debug THEN
    RAISE NOTICE '%', body;
  END IF;
  EXECUTE body;

  FOR priv IN SELECT * FROM pg_catalog.aclexplode(privs) LOOP
	body = format(
	  $c$
	  GRANT %s ON %s TO %s;
	  $c$,
	  priv.privilege_type,
	  rule.view_name,
	  priv.grantee::regrole::text
	);
	IF debug THEN
	  RAISE NOTICE '%', body;
	END IF;
	EXECUTE body;
  END LOOP;

  FOR m IN SELECT * FROM pgsodium.mask_columns where attrelid = relid LOOP
	IF m.key_id IS NULL AND m.key_id_column is NULL THEN
	  CONTINUE;
	ELSE
	  body = format(
		$c$
		DROP FUNCTION IF EXISTS %1$s."%2$s_encrypt_secret_%3$s"() CASCADE;

		CREATE OR REPLACE FUNCTION %1$s."%2$s_encrypt_secret_%3$s"()
		  RETURNS TRIGGER
		  LANGUAGE plpgsql
		  AS $t$
		BEGIN
		%4$s;
		RETURN new;
		END;
		$t$;

		ALTER FUNCTION  %1$s."%2$s_encrypt_secret_%3$s"() OWNER TO %5$s;

		DROP TRIGGER IF EXISTS "%2$s_encrypt_secret_trigger_%3$s" ON %6$s;

		CREATE TRIGGER "%2$s_encrypt_secret_trigger_%3$s"
		  BEFORE INSERT OR UPDATE OF "%3$s" ON %6$s
		  FOR EACH ROW
		  EXECUTE FUNCTION %1$s."%2$s_encrypt_secret_%3$s" ();
		  $c$,
		rule.relnamespace,
		rule.relname,
		m.attname,
		pgsodium.encrypted_column(relid, m),
		view_owner,
		source_name
	  );
	  if debug THEN
		RAISE NOTICE '%', body;
	  END IF;
	  EXECUTE body;
	END IF;
  END LOOP;

  raise notice 'about to masking role % %', source_name, rule.view_name;
  PERFORM pgsodium.mask_role(oid::regrole, source_name, rule.view_name)
  FROM pg_roles WHERE pgsodium.has_mask(oid::regrole, source_name);

  RETURN;
END
  $$
  LANGUAGE plpgsql
  VOLATILE
  SET search_path='pg_catalog'
;

-- ======================================================================
-- pgsodium--3.1.7--3.1.8.sql
-- ======================================================================


CREATE OR REPLACE FUNCTION pgsodium.trg_mask_update()
RETURNS EVENT_TRIGGER AS
$$
DECLARE
  r record;
BEGIN
  IF (SELECT bool_or(in_extension) FROM pg_event_trigger_ddl_commands()) THEN
    RAISE NOTICE 'skipping pgsodium mask regeneration in extension';
	RETURN;
  END IF;

  FOR r IN
    SELECT e.*
    FROM pg_event_trigger_ddl_commands() e
    WHERE EXISTS (
      SELECT FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_seclabel s ON s.classoid = c.tableoid
                                   AND s.objoid = c.oid
      WHERE c.tableoid = e.classid
        AND e.objid = c.oid
        AND s.provider = 'pgsodium'
    )
  LOOP
    IF r.object_type in ('table', 'table column')
    THEN
      PERFORM pgsodium.update_mask(r.objid);
    END IF;
  END LOOP;
END
$$
  LANGUAGE plpgsql
  SET search_path=''
;
