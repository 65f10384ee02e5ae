"""The classifier: measured on the held-out part it never trained on, every emergency raises the
alarm, near misses rarely do, people's corrections change the next model, and the model file is
plain arrays in CLASSIFIER_DIR."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.fixtures import Settings

from qiaomen.accounts.models import Department
from qiaomen.testing import SmallStreet
from qiaomen.tickets import classification
from qiaomen.tickets.classification.corpus import (
    EMERGENCY_FILE,
    NOT_EMERGENCY_FILE,
    corpus_examples,
    is_held_out,
    labelled_examples,
    labelled_lines,
)
from qiaomen.tickets.classification.decision import EMERGENCY_CODES, decide
from qiaomen.tickets.classification.emergency import emergency_signals
from qiaomen.tickets.classification.evaluation import Evaluation, evaluate
from qiaomen.tickets.classification.model import TextModel
from qiaomen.tickets.classification.store import CURRENT, current_model, forget_cached_model
from qiaomen.tickets.classification.training import classifier_train
from qiaomen.tickets.models import ClassificationCorrection, Subcategory

# The issue's figure: at least 0.90 top-1 on the held-out part (measured by train_classifier
# --report: 568 of 618, 0.919).
HELD_OUT_ACCURACY_FLOOR = 0.90
# No sub-category may fall far behind the rest (measured: the weakest, LIF-PSY, 19 of 27, 0.70).
CODE_ACCURACY_FLOOR = 0.65
# Measured: 0 of the 48 near misses of not_emergency.txt raise the alarm; a few may as the
# lexicon grows (a false alarm costs a visit, a missed emergency costs far more).
NEAR_MISS_FALSE_ALARM_CEILING = 0.10
# Measured: 14 of 494 held-out lines of the other codes (2.8 %) raise the alarm.
OTHER_CODES_FALSE_ALARM_CEILING = 0.05
LINE = re.compile(r"^[A-Z]{3}-[A-Z]+\tP[123]\t[a-z_]+\t[01]\.\d\d$")


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate(labelled_examples())


@pytest.fixture
def model_dir(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    settings.CLASSIFIER_DIR = tmp_path / "classifier"
    forget_cached_model()
    yield settings.CLASSIFIER_DIR
    forget_cached_model()


def test_the_corpus_has_at_least_forty_lines_for_each_of_the_twenty_codes() -> None:
    codes = [example.code for example in corpus_examples()]
    assert len(set(codes)) == 20
    assert min(codes.count(code) for code in set(codes)) >= 40


def test_the_held_out_part_is_chosen_by_a_stable_hash_and_is_about_a_fifth() -> None:
    examples = labelled_examples()
    held = [example for example in examples if is_held_out(example.text)]
    assert 0.15 < len(held) / len(examples) < 0.25
    assert is_held_out(held[0].text) and is_held_out(" " + held[0].text + " ")  # the same line, however spaced


def test_held_out_top1_accuracy_reaches_the_issues_90_percent(evaluation: Evaluation) -> None:
    assert len(evaluation.held_out) == 20 and sum(evaluation.held_out.values()) > 500
    assert evaluation.accuracy >= HELD_OUT_ACCURACY_FLOOR, "\n".join(evaluation.table())
    # Every code is learnt well, not only the easy ones.
    weakest = min(evaluation.code_accuracy(code) for code in evaluation.held_out)
    assert weakest >= CODE_ACCURACY_FLOOR, "\n".join(evaluation.table())


def test_every_emg_held_out_line_and_every_emergency_line_raises_the_alarm(evaluation: Evaluation) -> None:
    emergencies = sum(evaluation.held_out[code] for code in EMERGENCY_CODES) + len(labelled_lines(EMERGENCY_FILE))
    assert evaluation.emergency_checked == emergencies > 60
    assert evaluation.emergency_missed == []


@pytest.mark.django_db
def test_every_emergency_line_is_suggested_as_p1_with_its_signals() -> None:
    taxonomy = classification.active_taxonomy()
    for example in labelled_lines(EMERGENCY_FILE):
        suggestion = classification.suggest(example.text, taxonomy=taxonomy)
        assert (suggestion.priority, bool(suggestion.emergency)) == ("P1", True), example.text


def test_every_emg_held_out_line_gets_p1_from_a_model_that_never_saw_it() -> None:
    examples = labelled_examples()
    model = TextModel.fit([example for example in examples if not is_held_out(example.text)])
    held = [example for example in examples if is_held_out(example.text) and example.code in EMERGENCY_CODES]
    assert len(held) > 30
    for example in held:
        decision = decide(model, example.text)
        priority = classification.priority_for(default="P3", text=example.text, emergency=bool(decision.emergency))
        assert priority == "P1", example.text


def test_near_misses_rarely_raise_the_alarm(evaluation: Evaluation) -> None:
    assert evaluation.near_misses == len(labelled_lines(NOT_EMERGENCY_FILE)) > 40
    assert evaluation.false_alarm_rate <= NEAR_MISS_FALSE_ALARM_CEILING, evaluation.false_alarms
    assert evaluation.other_alarms / evaluation.other_lines <= OTHER_CODES_FALSE_ALARM_CEILING


@pytest.mark.parametrize(
    ("text", "alarm"),
    [
        ("我妈在厨房摔倒了 爬不起来", True),
        ("去年摔倒过一次 想给卫生间装个扶手", False),
        ("去年摔过一跤 今天又摔倒了 起不来", True),
        ("怎么防止老人在浴室跌倒", False),
        ("楼道里一股煤气味", True),
        ("我好怕 我爸晕倒了", True),
        ("感觉要晕过去了", True),
        ("没有着火 就是想问问灭火器放哪", False),
        ("电梯上礼拜困过人 现在修好了", False),
    ],
)
def test_the_lexicon_reads_past_prevention_and_negation(text: str, alarm: bool) -> None:
    assert bool(emergency_signals(text)) is alarm


def test_a_lexicon_alarm_shows_the_residents_words_or_the_patterns_name() -> None:
    model = current_model()
    assert decide(model, "我妈在厨房摔倒了 爬不起来").emergency == ["摔倒", "爬不起来"]
    assert decide(model, "楼道里一股煤气味").emergency == ["煤气味"]
    # The match runs from 大爷 to 没人应 across a pause: the pattern's name, not half a sentence.
    assert decide(model, "隔壁独居的张大爷好几天了 敲门也没人应").emergency == ["独居多日无应答"]


@pytest.mark.django_db
def test_a_model_only_alarm_reads_as_the_sub_category_not_as_n_grams() -> None:
    text = "三楼那个一个人住的老爷爷 窗帘好几天都没拉开过 灯一直亮着"  # an emergency.txt line
    assert emergency_signals(text) == []  # no lexicon word: the model alone raises the alarm
    suggestion = classification.suggest(text)
    assert (suggestion.code, suggestion.priority) == ("EMG-HEALTH", "P1")
    assert suggestion.emergency == ["分类为突发疾病与意外"]
    Subcategory.objects.filter(code="EMG-HEALTH").update(name="突发急病")  # the installation's own name
    assert classification.suggest(text).emergency == ["分类为突发急病"]


def test_lexicon_words_weigh_as_whole_words_and_survive_saving(tmp_path: Path) -> None:
    lexicon = {"LIF-PARK": ["停车位", "挪车", "僵尸车"], "MED-PROP": ["物业", "不作为"]}
    model = TextModel.fit(labelled_examples(), lexicon=lexicon)
    assert model.lexicon == {code: tuple(words) for code, words in lexicon.items()}
    # Three characters: no n-gram (1–2 characters) is this word, only the lexicon column is; a word
    # the corpus never uses (僵尸车) weighs as its code's column learnt from the others (挪车 …).
    assert "僵尸车" in model.reasons("小区里那辆僵尸车停了半年了", "LIF-PARK", limit=20)
    assert "不作为" in model.reasons("物管一直不作为", "MED-PROP", limit=20)
    path = tmp_path / "model.npz"
    model.save(path)
    assert TextModel.load(path).lexicon == model.lexicon


@pytest.mark.django_db
def test_the_installations_keywords_join_the_lexicon_when_training(model_dir: Path) -> None:
    park = Subcategory.objects.get(code="LIF-PARK")
    park.keywords += " 僵尸车"
    park.save()
    trained = classifier_train()
    assert "僵尸车" in trained.model.lexicon["LIF-PARK"] and "挪车" in trained.model.lexicon["LIF-PARK"]
    assert "僵尸车" in current_model().reasons("小区里那辆僵尸车停了半年了", "LIF-PARK")


def test_urgent_words_raise_p3_to_p2_and_only_an_emergency_makes_p1() -> None:
    assert classification.priority_for(default="P3", text="孩子入学的事 今天能不能给个答复", emergency=False) == "P2"
    assert classification.priority_for(default="P3", text="想问问孩子入学的事", emergency=False) == "P3"
    assert classification.priority_for(default="P2", text="急 马上", emergency=False) == "P2"
    assert classification.priority_for(default="P3", text="", emergency=True) == "P1"


def test_the_words_that_weighed_most_are_the_texts_own() -> None:
    text = "楼下垃圾桶好几天没人收了 臭得不行"
    scored = current_model().score(text)
    assert scored.ranked[0][0] == "LIF-ENV"
    assert scored.words and all(word in text for word in scored.words)
    assert sum(probability for _code, probability in scored.ranked) == pytest.approx(1.0)


@pytest.mark.django_db
def test_the_department_and_priority_come_from_the_installations_table() -> None:
    school = Subcategory.objects.get(code="POL-EDU")
    school.department = Department.objects.get(code="minzheng")
    school.default_priority = "P2"
    school.save()
    suggestion = classification.suggest("孩子明年要上小学了 户口不在这边 能在这里报名吗")
    assert (suggestion.code, suggestion.department, suggestion.priority) == ("POL-EDU", "minzheng", "P2")
    Subcategory.objects.filter(code="POL-EDU").update(retired=True)
    assert classification.suggest("孩子明年要上小学了 户口不在这边 能在这里报名吗").code != "POL-EDU"


def test_a_saved_model_is_plain_arrays_and_predicts_the_same(tmp_path: Path) -> None:
    model = current_model()
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:  # no pickled objects inside
        assert {"format", "version", "classes", "vocabulary", "idf", "coef", "intercept"} <= set(data.files)
        assert {"lexicon_codes", "lexicon_words"} <= set(data.files)
    loaded = TextModel.load(path)
    text = "电梯又坏了 老人上不去楼"
    assert loaded.version == model.version and loaded.lexicon == model.lexicon
    assert [code for code, _p in loaded.score(text).ranked] == [code for code, _p in model.score(text).ranked]


@pytest.mark.django_db
def test_a_correction_changes_the_next_training(small_street: SmallStreet, model_dir: Path) -> None:
    text = "想找社区书记当面聊聊我家的事"
    before = classification.suggest(text)
    target = Subcategory.objects.get(code="LIF-PSY" if before.code != "LIF-PSY" else "MED-FAM")
    correction = ClassificationCorrection.objects.create(
        text=text,
        suggested_code=before.code,
        subcategory=target,
        priority="P3",
        corrected_by=small_street.users["community_staff"],
        corrected_at=timezone.now(),
    )
    trained = classifier_train()
    assert trained.path.parent == model_dir and (model_dir / CURRENT).read_text().strip() == trained.path.name
    after = classification.suggest(text)
    assert before.code != target.code and after.code == target.code and after.model_version == trained.model.version
    correction.refresh_from_db()
    assert correction.trained_in == trained.model.version


@pytest.mark.django_db
def test_a_pointer_outside_the_folder_is_ignored_and_the_corpus_trains(model_dir: Path) -> None:
    model_dir.mkdir(parents=True)
    (model_dir / CURRENT).write_text("../../etc/passwd\n")
    assert current_model().version.startswith("corpus-")


@pytest.mark.django_db
def test_classify_demands_prints_one_tab_separated_line_per_text() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "classify_demands", stdin=io.StringIO("楼道的灯坏了好几天了\n\n隔壁奶奶摔倒了起不来\n"), stdout=out, stderr=err
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and all(LINE.match(line) for line in lines), lines
    assert lines[1].split("\t")[:2] == ["EMG-HEALTH", "P1"]
    assert lines[1].split("\t")[2] == "weijian"
    assert "line 2" in err.getvalue()


@pytest.mark.django_db
def test_train_classifier_prints_each_codes_accuracy_and_saves_the_model(
    small_street: SmallStreet, model_dir: Path
) -> None:
    out = io.StringIO()
    call_command("train_classifier", "--report", stdout=out)
    assert not model_dir.exists()  # --report trains nothing for keeps
    report = out.getvalue()
    for code in Subcategory.objects.values_list("code", flat=True):
        assert re.search(rf"^\| {code} \| \d+ \| \d+ \| \d+% \|$", report, re.MULTILINE), code
    assert re.search(r"^\| \*\*all\*\* \| \d+ \| \d+ \| \d+\.\d% \|$", report, re.MULTILINE)
    assert "False alarms:" in report and "raised the alarm" in report
    out = io.StringIO()
    call_command("train_classifier", stdout=out)
    assert "Trained " in out.getvalue()
    assert len(list(model_dir.glob("model-*.npz"))) == 1
