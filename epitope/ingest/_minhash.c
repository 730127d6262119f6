/* The MinHash signature and LSH band keys of dedupe.py, compiled: the same numbers, at a tenth of
 * the cost (they were the largest share of an ingestion's CPU after parsing).
 *
 * dedupe.py holds the definitions, in Python, and uses them when this module is not built;
 * tests/test_ingest_minhash.py checks that both give the same values. Change them together: a
 * different value would silently stop new items from matching the stories already stored.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>

#define BINS 64          /* dedupe.BINS: a shingle's low 6 bits pick its bin */
#define BIN_BITS 6
#define BORROW_SHIFT 26  /* a borrowed value carries its distance above the 26 bits of a hash */

static uint32_t crc_table[256];

static void init_crc_table(void) {
    /* zlib's CRC-32 (IEEE 802.3, reflected), as zlib.crc32 computes it. */
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static PyObject *shingle_signature(uint32_t *hashes, Py_ssize_t n, Py_ssize_t min_shingles);

static int by_value(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t crc_byte(uint32_t c, unsigned char byte) {
    return crc_table[(c ^ byte) & 0xFF] ^ (c >> 8);
}

/* CRC-32 running over one more character, as UTF-8 (what str.encode() gives for a word). */
static uint32_t crc_char(uint32_t c, Py_UCS4 ch) {
    if (ch < 0x80) return crc_byte(c, (unsigned char)ch);
    if (ch < 0x800) {
        c = crc_byte(c, (unsigned char)(0xC0 | ch >> 6));
    } else {
        if (ch < 0x10000) {
            c = crc_byte(c, (unsigned char)(0xE0 | ch >> 12));
        } else {
            c = crc_byte(c, (unsigned char)(0xF0 | ch >> 18));
            c = crc_byte(c, (unsigned char)(0x80 | (ch >> 12 & 0x3F)));
        }
        c = crc_byte(c, (unsigned char)(0x80 | (ch >> 6 & 0x3F)));
    }
    return crc_byte(c, (unsigned char)(0x80 | (ch & 0x3F)));
}

/* signature(text, max_words, min_shingles) -> (signature or None, words found up to max_words + 1).
 *
 * `text` is what dedupe._words reads words from: tags replaced, lower-cased. A word is a run of
 * characters for which str.isalnum() holds, which is what the regex [^\W_]+ matches; the
 * signature is of the first `max_words`. */
static PyObject *signature(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_ssize_t max_words, min_shingles;
    if (!PyArg_ParseTuple(args, "Unn", &text, &max_words, &min_shingles)) return NULL;
    if (max_words < 1) {
        PyErr_SetString(PyExc_ValueError, "signature: max_words must be positive");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t len = PyUnicode_GET_LENGTH(text), n = 0, i = 0;
    uint32_t *hashes = PyMem_Malloc(sizeof(uint32_t) * (size_t)max_words);
    if (!hashes) return PyErr_NoMemory();
    uint32_t crc = 0xFFFFFFFFu;
    int in_word = 0;
    for (; i < len && n <= max_words; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISALNUM(ch)) {
            crc = crc_char(crc, ch);
            in_word = 1;
        } else if (in_word) {  /* a word ends */
            if (n < max_words) hashes[n] = crc ^ 0xFFFFFFFFu;
            n++;
            crc = 0xFFFFFFFFu;
            in_word = 0;
        }
    }
    if (in_word) {  /* the text ends in a word */
        if (n < max_words) hashes[n] = crc ^ 0xFFFFFFFFu;
        n++;
    }
    PyObject *sig = shingle_signature(hashes, n < max_words ? n : max_words, min_shingles);
    PyMem_Free(hashes);
    if (!sig) return NULL;
    return Py_BuildValue("(Nn)", sig, n);
}

/* The signature of the words whose CRCs are `hashes` (n of them; reordered here), or None. */
static PyObject *shingle_signature(uint32_t *hashes, Py_ssize_t n, Py_ssize_t min_shingles) {
    if (n < 3 || n - 2 < min_shingles) Py_RETURN_NONE;  /* fewer shingles than needed, distinct or not */
    /* A shingle's hash: its three words' CRCs shifted 0, 1 and 2 bits and XORed, in 32 bits. */
    Py_ssize_t m = n - 2;
    for (Py_ssize_t i = 0; i < m; i++) hashes[i] = hashes[i] ^ hashes[i + 1] << 1 ^ hashes[i + 2] << 2;
    qsort(hashes, (size_t)m, sizeof(uint32_t), by_value);
    Py_ssize_t distinct = 1;
    for (Py_ssize_t i = 1; i < m; i++) distinct += hashes[i] != hashes[i - 1];
    if (distinct < min_shingles) Py_RETURN_NONE;
    uint64_t mins[BINS], sig[BINS];
    int filled[BINS] = {0};
    for (Py_ssize_t i = m - 1; i >= 0; i--) {  /* largest to smallest: the last one written is the minimum */
        uint32_t h = hashes[i];
        mins[h & (BINS - 1)] = h >> BIN_BITS;
        filled[h & (BINS - 1)] = 1;
    }
    /* Rotation densification, as dedupe.signature: an empty bin borrows the next filled bin's value
     * (cyclically), plus its distance shifted above the hash bits. */
    int first = 0;
    while (!filled[first]) first++;  /* there is one: distinct >= 1 */
    int following = first + BINS;
    for (int b = BINS - 1; b >= first; b--) {
        if (!filled[b]) continue;
        uint64_t value = mins[following % BINS];
        int stop = following < BINS ? following : BINS;
        for (int i = b + 1; i < stop; i++) sig[i] = value + ((uint64_t)(following - i) << BORROW_SHIFT);
        sig[b] = mins[b];
        following = b;
    }
    for (int i = 0; i < first; i++) sig[i] = mins[first] + ((uint64_t)(first - i) << BORROW_SHIFT);
    PyObject *result = PyTuple_New(BINS);
    if (!result) return NULL;
    for (int i = 0; i < BINS; i++) {
        PyObject *value = PyLong_FromUnsignedLongLong(sig[i]);
        if (!value) {
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, i, value);
    }
    return result;
}

/* band_keys(sig, bands, rows, lsh_base, mask): dedupe's LSH band keys of a signature (a tuple). */
static PyObject *band_keys(PyObject *self, PyObject *args) {
    PyObject *sig;
    int bands, rows;
    unsigned long long base, mask;
    if (!PyArg_ParseTuple(args, "O!iiKK", &PyTuple_Type, &sig, &bands, &rows, &base, &mask)) return NULL;
    if (rows != 3 || PyTuple_GET_SIZE(sig) < (Py_ssize_t)bands * rows) {
        PyErr_SetString(PyExc_ValueError, "band_keys: three rows per band, and a signature that long");
        return NULL;
    }
    PyObject *keys = PySet_New(NULL);
    if (!keys) return NULL;
    for (int band = 0; band < bands; band++) {
        uint64_t v[3];
        for (int r = 0; r < 3; r++) {
            v[r] = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(sig, band * 3 + r));
            if (v[r] == (uint64_t)-1 && PyErr_Occurred()) {
                Py_DECREF(keys);
                return NULL;
            }
        }
        /* Arithmetic modulo 2**64, as the Python's "& 0xFFFFFFFFFFFFFFFF". */
        uint64_t mixed = (v[0] | v[1] << 32) * 0x9E3779B97F4A7C15ull + v[2] * 0xC2B2AE3D27D4EB4Full;
        PyObject *key = PyLong_FromUnsignedLongLong((uint64_t)(band + 1) * base | ((mixed ^ mixed >> 29) & mask));
        if (!key || PySet_Add(keys, key) < 0) {
            Py_XDECREF(key);
            Py_DECREF(keys);
            return NULL;
        }
        Py_DECREF(key);
    }
    return keys;
}

static PyMethodDef methods[] = {
    {"signature", signature, METH_VARARGS,
     "signature(text, max_words, min_shingles): (the MinHash signature or None, words found up to max_words + 1)."},
    {"band_keys", band_keys, METH_VARARGS, "band_keys(sig, bands, rows, lsh_base, mask): the LSH band keys."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_minhash", NULL, -1, methods};

PyMODINIT_FUNC PyInit__minhash(void) {
    init_crc_table();
    return PyModule_Create(&module);
}
