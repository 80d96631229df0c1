# expect: safe
import io
import json

import numpy as np
from flask import request


def weights():
    with io.BytesIO(request.data) as buf:
        arr = np.load(buf)
    with open("/srv/app/config.json") as fh:
        cfg = json.load(fh)
    return arr, cfg
