# NetLens stub of keras.src.utils.file_utils: nothing is downloaded; a requested file is a local path that does not exist.


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    return fname if fname is not None else "downloaded_file"


def exists(path):
    return False
