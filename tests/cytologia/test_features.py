import numpy as np
from hdhkits.cytologia.features import FEATURE_NAMES, box_size_features, crop_features, extract_crops


def test_crops_and_features(cyto_data):
    table = cyto_data.train.head(12)
    crops = extract_crops(cyto_data, table, size=48)
    assert crops.shape == (12, 48, 48, 3) and crops.dtype == np.uint8
    f = crop_features(crops, table)
    assert list(f.columns) == FEATURE_NAMES and len(f) == 12
    assert np.isfinite(f.to_numpy()).all()
    assert box_size_features(table).shape == (12, 3)


def test_stain_colours(cyto_data):
    from hdhkits.cytologia.features import stain_colours

    names = cyto_data.images["NAME"].head(6).tolist() + ["not-there.jpg"]
    s = stain_colours(cyto_data, names)
    assert list(s.index) == names and s.iloc[-1].isna().all()
    ok = s.iloc[:-1]
    assert (ok[["bg_r", "bg_g", "bg_b"]].to_numpy() > ok[["nuc_r", "nuc_g", "nuc_b"]].to_numpy()).all()
