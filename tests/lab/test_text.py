"""The word tokenizer: words, vocabulary order and limits, fixed-length ids for any input a person types."""

import pytest
import torch

from lab.text import PAD, PAD_ID, UNK, UNK_ID, build_vocab, clean, encode, tokenize

TRAIN = ["The soup was great", "great soup, great price", "The price was high"]


def test_tokenize_lowercases_and_keeps_inner_apostrophes() -> None:
    assert tokenize("Don't BUY it!! 10/10") == ["don't", "buy", "it", "10", "10"]


def test_clean_removes_html_and_collapses_whitespace() -> None:
    raw = 'Tasty.<br /><br />Buy <a href="http://x">this one</a>\n\n  now'
    assert clean(raw) == "Tasty. Buy this one now"


def test_build_vocab_orders_by_count_and_drops_rare_words() -> None:
    vocab = build_vocab(TRAIN, min_count=2)
    # great x3; price, soup, the, was x2 (ties alphabetical); high x1 is dropped
    assert vocab == (PAD, UNK, "great", "price", "soup", "the", "was")


def test_build_vocab_keeps_at_most_max_size_words() -> None:
    vocab = build_vocab(TRAIN, max_size=2, min_count=1)
    assert vocab == (PAD, UNK, "great", "price")


def test_encode_maps_words_pads_right_and_marks_unknown() -> None:
    vocab = build_vocab(TRAIN)
    ids = encode(["great soup", "awful soup"], vocab, length=4)
    assert ids.dtype == torch.int64
    assert ids.tolist() == [[2, 4, PAD_ID, PAD_ID], [UNK_ID, 4, PAD_ID, PAD_ID]]
    assert vocab[4] == "soup"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🎉👍", "这个汤很好喝", "Привет мир", "مرحبا"],
    ids=["empty", "spaces", "emoji", "chinese", "cyrillic", "arabic"],
)
def test_encode_handles_text_it_cannot_read(text: str) -> None:
    vocab = build_vocab(TRAIN)
    ids = encode([text], vocab, length=8)
    assert ids.shape == (1, 8)
    # never a row of only padding: one <unk> at least, then padding
    assert ids[0, 0].item() == UNK_ID
    assert set(ids[0].tolist()) <= {UNK_ID, PAD_ID}


def test_encode_truncates_very_long_text() -> None:
    vocab = build_vocab(TRAIN)
    text = "great " * 20_000  # 120 000 characters
    assert len(text) > 100_000
    ids = encode([text], vocab, length=128)
    assert ids.shape == (1, 128)
    assert (ids == vocab.index("great")).all()


def test_encode_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError, match=r"\[text\]"):
        encode("great soup", build_vocab(TRAIN))


def test_encode_of_no_texts_is_an_empty_batch() -> None:
    assert encode([], build_vocab(TRAIN), length=5).shape == (0, 5)
