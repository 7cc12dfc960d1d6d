"""The vtaiwan notebook runs from top to bottom on the installed package (nbclient, a fresh
kernel in this environment, the notebook's folder as working directory)."""

import nbformat
from nbclient import NotebookClient

from conftest import ROOT, shared


def test_the_vtaiwan_notebook_runs():
    shared("polis-open-data", "vtaiwan.uberx")
    path = ROOT / "docs" / "notebooks" / "vtaiwan.ipynb"
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    text = "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "49,997 votes by 1,921 people on 197 statements" in text
    assert "people grouped by both" in text
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
