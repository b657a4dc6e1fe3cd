"""Build the site as Read the Docs does (`nox -s rtd`), so that what would break publishing fails here.

It reads .readthedocs.yaml and follows Read the Docs' build process, job by job, with the
environment variables Read the Docs sets for every step:

1. checkout: a shallow clone (`git clone --depth 1`) of the last commit, then build.jobs.post_checkout.
   Like Read the Docs, it builds what was committed: uncommitted changes are not in it.
2. create_environment: a virtual environment on the Python that build.tools.python names. When that
   Python is not installed, it stops there and says so in one sentence. build.tools may name Python
   alone: the site builds without Node.js, its diagrams drawn ahead into _diagrams/.
3. install: pip and setuptools upgraded, Sphinx, then each python.install requirements file.
4. build: build.jobs.pre_build; the HTML (`sphinx.builder`, with -W --keep-going when
   `fail_on_warning` is on); then each of `formats`: the PDF (LaTeX, then latexmk, when LaTeX is
   installed here) and the ePub (strict like the HTML); then build.jobs.post_build.

One difference: a LaTeX error fails the PDF step here, where Read the Docs publishes any PDF that
latexmk managed to write (a missing character is then silently missing).
Everything goes to _build/rtd/: the clone, its virtual environment, and the outputs in
_build/rtd/checkout/_readthedocs/.
"""

from __future__ import annotations

import ast
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "_build" / "rtd"
# The user-defined jobs, in the order Read the Docs runs them around its own steps.
JOBS_BEFORE_INSTALL = ("pre_system_dependencies", "post_system_dependencies", "pre_create_environment")
LATEX_APT = "apt-get install latexmk texlive-latex-extra texlive-fonts-recommended tex-gyre"


def conf_constant(name: str) -> str:
    """A constant of conf.py, read without running it (conf.py imports the Sphinx extensions)."""
    for node in ast.parse((ROOT / "conf.py").read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"conf.py has no {name}")


def find_python(version: str) -> str | None:
    """The interpreter for `version` (such as "3.13"): pyenv's, or one on the PATH that runs."""
    if shutil.which("pyenv"):
        found = subprocess.run(["pyenv", "prefix", version], capture_output=True, text=True)
        if found.returncode == 0:
            return str(Path(found.stdout.split()[-1]) / "bin" / f"python{version}")
    path = shutil.which(f"python{version}")
    if path and subprocess.run([path, "--version"], capture_output=True).returncode == 0:
        return path
    return None


class Build:
    """Runs the steps, timed, in the clone, with Read the Docs' environment."""

    def __init__(self, env: dict[str, str], cwd: Path):
        self.env, self.cwd, self.times = env, cwd, []

    def run(self, step: str, command: list[str] | str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        shown = command if isinstance(command, str) else shlex.join(command)
        print(f"\n==> {step}: {shown}", flush=True)
        start = time.perf_counter()
        result = subprocess.run(
            command, shell=isinstance(command, str), executable="/bin/bash" if isinstance(command, str) else None,
            cwd=cwd or self.cwd, env=self.env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        self.times.append((step, time.perf_counter() - start))
        print(result.stdout[-4000:] if result.returncode else result.stdout[-600:], end="", flush=True)
        if result.returncode:
            raise SystemExit(f"Read the Docs would stop here: {step} failed with exit code {result.returncode}.")
        return result

    def jobs(self, config: dict, name: str) -> None:
        for command in config.get("build", {}).get("jobs", {}).get(name, []):
            self.run(name, command)


def main() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
    if "commands" in config.get("build", {}):
        raise SystemExit("build.commands replaces Read the Docs' whole process; this emulation follows build.jobs only.")
    version = str(config["build"]["tools"]["python"])
    python = find_python(version)
    if python is None:
        print(f"Skipped: Python {version}, which .readthedocs.yaml names, is not installed here "
              f"(with pyenv: `pyenv install {version}`).")
        return

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    checkout, venv = WORK / "checkout", WORK / "venv"
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    branch = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    published = conf_constant("PUBLISHED_URL")
    slug = published.split("://", 1)[1].split(".", 1)[0]
    output = checkout / "_readthedocs"
    nox_bin = os.environ.get("VIRTUAL_ENV")  # nox's own environment: not part of Read the Docs' build
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not (nox_bin and p.startswith(nox_bin))]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"} | {
        "PATH": os.pathsep.join([str(venv / "bin"), *path]),
        "READTHEDOCS": "True",
        "READTHEDOCS_PRODUCTION_DOMAIN": "readthedocs.org",
        "READTHEDOCS_PROJECT": slug,
        "READTHEDOCS_LANGUAGE": "en",
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_VERSION_NAME": "latest",
        "READTHEDOCS_VERSION_TYPE": "branch",
        "READTHEDOCS_VIRTUALENV_PATH": str(venv),
        "READTHEDOCS_OUTPUT": str(output),
        "READTHEDOCS_CANONICAL_URL": published,
        "READTHEDOCS_REPOSITORY_PATH": str(checkout),
        "READTHEDOCS_GIT_CLONE_URL": conf_constant("REPOSITORY_URL"),
        "READTHEDOCS_GIT_IDENTIFIER": branch,
        "READTHEDOCS_GIT_COMMIT_HASH": commit,
    }
    build = Build(env, checkout)
    print(f"Building commit {commit[:12]} ({branch}) as Read the Docs would, in {WORK.relative_to(ROOT)}/")

    # 1. checkout
    build.run("checkout", ["git", "clone", "--depth", "1", "--branch", branch, f"file://{ROOT}", str(checkout)], cwd=WORK)
    build.jobs(config, "post_checkout")
    # 2. system dependencies and the environment
    for job in JOBS_BEFORE_INSTALL:
        build.jobs(config, job)
    if set(config["build"]["tools"]) - {"python"}:
        raise SystemExit(f"build.tools names {sorted(set(config['build']['tools']) - {'python'})}: this emulation installs "
                         "Python alone, which is all the build needs (diagrams are drawn ahead into _diagrams/).")
    build.run("create_environment", [python, "-m", "venv", str(venv)])
    build.jobs(config, "post_create_environment")
    # 3. install
    build.jobs(config, "pre_install")
    pip = ["python", "-m", "pip", "install"]
    build.run("install", [*pip, "--upgrade", "pip", "setuptools"])
    build.run("install", [*pip, "--upgrade", "sphinx"])
    for item in config.get("python", {}).get("install", []):
        if "requirements" in item:
            build.run("install", [*pip, "--exists-action=w", "-r", item["requirements"]])
        else:
            extras = ",".join(item.get("extra_requirements", []))
            build.run("install", [*pip, f"{item['path']}[{extras}]" if extras else item["path"]])
    build.jobs(config, "post_install")
    # 4. build
    build.jobs(config, "pre_build")
    sphinx = config["sphinx"]
    confdir = checkout / Path(sphinx.get("configuration", "conf.py")).parent
    strict = ["-W", "--keep-going"] if sphinx.get("fail_on_warning") else []
    common = ["-d", "_build/doctrees", "-D", "language=en", "."]
    builder = sphinx.get("builder", "html")
    build.run("build html", ["python", "-m", "sphinx", "-T", *strict, "-b", builder, *common, str(output / "html")], cwd=confdir)
    formats = config.get("formats", [])
    formats = ["htmlzip", "pdf", "epub"] if formats == "all" else formats
    if "htmlzip" in formats:
        build.run("build htmlzip", ["python", "-m", "sphinx", "-T", *strict, "-b", "singlehtml", *common, str(output / "htmlzip")], cwd=confdir)
    if "pdf" in formats:
        latex = output / "pdf"
        build.run("build pdf", ["python", "-m", "sphinx", "-T", "-b", "latex", *common, str(latex)], cwd=confdir)
        if shutil.which("latexmk"):
            for image in [p for ext in ("png", "gif", "jpg", "jpeg") for p in latex.glob(f"*.{ext}")]:
                build.run("build pdf", ["extractbb", image.name], cwd=latex)
            made = build.run("build pdf", ["latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-", f"-jobname={slug}",
                                           "-interaction=nonstopmode"], cwd=latex)
            errors = sorted({line for line in made.stdout.splitlines() if line.startswith("! ")})
            if errors or not (latex / f"{slug}.pdf").is_file():
                raise SystemExit("The PDF has LaTeX errors (Read the Docs would publish it with gaps):\n" + "\n".join(errors))
        else:
            print(f"    PDF not made: LaTeX is not installed here (Read the Docs has it; on Debian: {LATEX_APT}).")
    if "epub" in formats:
        build.run("build epub", ["python", "-m", "sphinx", "-T", *strict, "-b", "epub", *common, str(output / "epub")], cwd=confdir)
    build.jobs(config, "post_build")

    print("\nRead the Docs would publish:")
    for made in [output / "pdf" / f"{slug}.pdf", *(output / "epub").glob("*.epub")]:
        if made.is_file():
            print(f"  {made.relative_to(ROOT)} ({made.stat().st_size / 1024:,.0f} KiB)")
    print(f"  {(output / 'html').relative_to(ROOT)}/ ({len(list((output / 'html').rglob('*.html')))} HTML pages)")
    print("\n| Step | Seconds |\n| --- | ---: |")
    for step, seconds in build.times:
        print(f"| {step} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
