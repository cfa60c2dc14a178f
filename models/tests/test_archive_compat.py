"""models/tools/archive_compat.py: what it reports about our archives for another libtorch."""
import glob
import os

import pytest

from conftest import MODELS_DIR
import archive_compat

REFERENCE_INCLUDE = "/usr/include"
# The system libtorch's library: Debian names it after its release (libtorch_cpu.so.1.13, .so.2.6).
REFERENCE_LIBRARY = next(iter(sorted(glob.glob("/usr/lib/*/libtorch_cpu.so.[0-9]*.[0-9]*"))), "")
ARCHIVE = sorted(glob.glob(os.path.join(MODELS_DIR, "arch", "*.pt")))[0]


@pytest.fixture(scope="module")
def used():
    if not os.path.isdir(os.path.join(REFERENCE_INCLUDE, "ATen", "ops")) or not REFERENCE_LIBRARY:
        pytest.skip("needs libtorch's headers in /usr/include and its library (Debian: libtorch-dev)")
    return archive_compat.used_aten_schemas(ARCHIVE)


def write_target(root, min_version, schemas, library_text):
    """A fake libtorch: versions.h, one ATen/ops header with `schemas`, a library file."""
    os.makedirs(os.path.join(root, "caffe2", "serialize"))
    os.makedirs(os.path.join(root, "ATen", "ops"))
    with open(os.path.join(root, "caffe2", "serialize", "versions.h"), "w") as f:
        f.write("constexpr uint64_t kMinSupportedFileFormatVersion = 0x%XL;\n" % min_version)
        f.write("constexpr uint64_t kMaxSupportedFileFormatVersion = 0xAL;\n")
    with open(os.path.join(root, "ATen", "ops", "all_ops.h"), "w") as f:
        for schema in schemas:
            literal = schema[len("aten::"):].replace('"', '\\"')
            f.write('  static constexpr const char* schema_str = "%s";\n' % literal)
    library = os.path.join(root, "libtorch_cpu.so")
    with open(library, "wb") as f:
        f.write(library_text)
    return library


def test_the_exporting_libtorch_accepts_its_own_archives(used):
    target = archive_compat.Target(REFERENCE_INCLUDE, REFERENCE_INCLUDE, REFERENCE_LIBRARY)
    report = archive_compat.check_archive(ARCHIVE, target)
    assert report["in_range"]
    assert report["missing"] == [] and report["changed"] == []
    assert report["native"] > 50 and report["builtins"] > 10


def test_a_removed_or_changed_operator_and_an_unreadable_version_are_reported(used, tmp_path):
    native = archive_compat.read_aten_schemas(REFERENCE_INCLUDE)
    used_native = sorted(name for name in used if name in native)
    used_builtins = sorted(name for name in used if name not in native)
    removed, changed = used_native[0], used_native[1]
    # A new required argument: calls recorded against the old schema no longer match.
    stricter = native[changed].replace(") ->", ", int required_now) ->", 1)
    schemas = [stricter if name == changed else schema
               for name, schema in native.items() if name != removed]
    library_text = b"\0".join(b"aten::" + name.encode() + b"(int a)" for name in used_builtins[1:])
    library = write_target(str(tmp_path), archive_compat.archive_version(ARCHIVE) + 1, schemas,
                           library_text)

    report = archive_compat.check_archive(ARCHIVE, archive_compat.Target(str(tmp_path), REFERENCE_INCLUDE, library))

    assert not report["in_range"]
    assert sorted(report["missing"]) == sorted([used[removed], used[used_builtins[0]]])
    assert report["changed"] == [(used[changed], stricter)]
