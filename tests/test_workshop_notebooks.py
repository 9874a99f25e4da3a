"""hdhkits.workshop.notebooks: the student and solution versions, their parameters."""

import pytest
from hdhkits.workshop.authoring import BEGIN
from hdhkits.workshop.notebooks import set_parameters, student_notebook

from .workshop_support import KIT, fake_notebook


def test_set_parameters_refuses_what_it_cannot_set():
    nb = fake_notebook(KIT, 1)
    with pytest.raises(ValueError, match="no 'n_boot = ...' line"):
        set_parameters(nb, {"n_boot": "10"})
    nb.cells[3].metadata["tags"] = []
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        set_parameters(nb, {"quick": "True"})


def test_student_notebook_refuses_an_unpaired_marker():
    nb = fake_notebook(KIT, 1)
    nb.cells[7].source = f"{BEGIN}\nanswer_1 = 42\ncheck_answer('toy 1', answer_1)"
    with pytest.raises(ValueError, match="cell 8 holds a solution marker without its pair"):
        student_notebook(nb)
