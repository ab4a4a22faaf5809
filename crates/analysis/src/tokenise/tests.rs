//! Unit tests and property tests of the tokeniser and the sentence splitter:
//! each expectation is how UD English EWT 2.16 writes the case.

use proptest::prelude::*;

use super::*;
use crate::sentences::{
    SentenceSplitter, SplitterOptions, split_and_tokenise, split_sentences, split_sentences_with,
    train_tokeniser,
};

/// The tokens of a text, each as its words joined by `+` ("do+n't").
fn tokens_of(text: &str) -> Vec<String> {
    let tokenised = tokenise(text, 0..text.len());
    tokenised
        .tokens
        .iter()
        .map(|token| {
            let words: Vec<&str> = tokenised.words[token.words.clone()]
                .iter()
                .map(|word| &text[word.clone()])
                .collect();
            words.join("+")
        })
        .collect()
}

fn check(text: &str, expected: &[&str]) {
    assert_eq!(tokens_of(text), expected, "tokens of {text:?}");
}

fn sentences_of(text: &str) -> Vec<&str> {
    split_sentences(text)
        .into_iter()
        .map(|span| &text[span])
        .collect()
}

#[test]
fn contractions_are_multiword_tokens() {
    check("don't", &["do+n't"]);
    check("I can't go", &["I", "ca+n't", "go"]);
    check("won't", &["wo+n't"]);
    check("I'm sure it's fine", &["I+'m", "sure", "it+'s", "fine"]);
    check(
        "we're they'll I've he'd",
        &["we+'re", "they+'ll", "I+'ve", "he+'d"],
    );
    check("Don’t", &["Do+n’t"]);
    check("it’s", &["it+’s"]);
}

#[test]
fn contractions_without_an_apostrophe_split_as_ewt_learned_them() {
    check("gonna", &["gon+na"]);
    check("wanna", &["wan+na"]);
    check("cannot", &["can+not"]);
    check("dont", &["do+nt"]);
    check("couldnt", &["could+nt"]);
    // The possessive pronoun stays one word: EWT splits "its" only when it is
    // a misspelt "it's", which the text alone cannot tell.
    check("its", &["its"]);
    // Ordinary plurals are not possessives.
    check("plumbers", &["plumbers"]);
}

#[test]
fn possessives_are_multiword_tokens() {
    check("Bush's plan", &["Bush+'s", "plan"]);
    check("the FBI's", &["the", "FBI+'s"]);
    check("Bush’s", &["Bush+’s"]);
    check("the taxpayers' money", &["the", "taxpayers+'", "money"]);
}

#[test]
fn single_quotes_around_a_word_split_off() {
    check("'bad'", &["'", "bad", "'"]);
    check("'The", &["'", "The"]);
    check("in '09", &["in", "'09"]);
}

#[test]
fn abbreviations_keep_their_period() {
    check("Mr. Smith", &["Mr.", "Smith"]);
    check("on Jan. 5", &["on", "Jan.", "5"]);
    check("Acme Corp. said", &["Acme", "Corp.", "said"]);
    check("e.g. this", &["e.g.", "this"]);
    check("No. 5", &["No.", "5"]);
    check(
        "Sen. Warren and Gov. Newsom",
        &["Sen.", "Warren", "and", "Gov.", "Newsom"],
    );
    check("Lt. Gen. Smith", &["Lt.", "Gen.", "Smith"]);
    check(
        "Apple Inc. and Ford Motor Co. rose",
        &["Apple", "Inc.", "and", "Ford", "Motor", "Co.", "rose"],
    );
    check("J. Smith", &["J.", "Smith"]);
}

#[test]
fn an_abbreviation_ending_the_span_gives_up_its_period() {
    // EWT: "etc." ends a sentence as "etc" + "." (27 times in train, never whole).
    check("and so on etc.", &["and", "so", "on", "etc", "."]);
    check("at 5 p.m.", &["at", "5", "p.m", "."]);
}

#[test]
fn initials_with_inner_periods_are_one_token() {
    check("the U.S. economy", &["the", "U.S.", "economy"]);
    check(
        "U.N. officials in D.C. met",
        &["U.N.", "officials", "in", "D.C.", "met"],
    );
}

#[test]
fn a_sentence_final_period_splits_off_a_word() {
    check("It rained.", &["It", "rained", "."]);
    check("I love the sun.", &["I", "love", "the", "sun", "."]);
    check("Wait...", &["Wait", "..."]);
    check("Really?!", &["Really", "?!"]);
}

#[test]
fn numbers_keep_decimals_and_thousands() {
    check("3.5 percent", &["3.5", "percent"]);
    check("1,000 people", &["1,000", "people"]);
    check("1,000.", &["1,000", "."]);
    check("at 10:30 on 9/11", &["at", "10:30", "on", "9/11"]);
    check("-5 degrees", &["-5", "degrees"]);
}

#[test]
fn currency_and_percent_split_off() {
    check("$53 million", &["$", "53", "million"]);
    check("$6.00", &["$", "6.00"]);
    check("£5", &["£", "5"]);
    check("100%", &["100", "%"]);
}

#[test]
fn units_glued_to_numbers_split_but_ordinals_do_not() {
    check("8pm", &["8", "pm"]);
    check("20mins", &["20", "mins"]);
    check("the 21st century", &["the", "21st", "century"]);
    check("the 1990s", &["the", "1990s"]);
}

#[test]
fn double_quotes_split_off() {
    check(
        "\"Hello,\" she said.",
        &["\"", "Hello", ",", "\"", "she", "said", "."],
    );
    check("“Hello”", &["“", "Hello", "”"]);
    check("(see above)", &["(", "see", "above", ")"]);
}

#[test]
fn dashes_split_off() {
    check("word--word", &["word", "--", "word"]);
    check("Iraq — and Iran", &["Iraq", "—", "and", "Iran"]);
}

#[test]
fn hyphens_split_except_after_prefixes_and_in_phone_numbers() {
    // EWT 2.16 splits hyphenated compounds ("long - term", "al - Qaeda")...
    check("long-term", &["long", "-", "term"]);
    check("al-Qaeda", &["al", "-", "Qaeda"]);
    check("3-4", &["3", "-", "4"]);
    // ...but keeps prefixes and phone numbers whole.
    check("e-mail", &["e-mail"]);
    check("non-commercial", &["non-commercial"]);
    check("co-workers", &["co-workers"]);
    check("713-853-3989", &["713-853-3989"]);
}

#[test]
fn phone_numbers_zip_codes_and_dates_keep_their_hyphens() {
    check("1-800-991-9019", &["1-800-991-9019"]);
    check("713/853-6197", &["713/853-6197"]);
    check("77042-2016", &["77042-2016"]);
    check("11-20-2000", &["11-20-2000"]);
    check("1969-1970", &["1969", "-", "1970"]);
}

#[test]
fn punctuation_runs_as_ewt_writes_them() {
    // EWT: "really.?" → really + ".?"; "''" closes a quote as one token.
    check("really.?", &["really", ".?"]);
    check("said,''", &["said", ",", "''"]);
    check("=====", &["====="]);
    check("times at 7:30PM", &["times", "at", "7:30", "PM"]);
    check("+1 555", &["+1", "555"]);
}

#[test]
fn slashes_split_between_words_but_not_in_short_forms() {
    check("and/or", &["and", "/", "or"]);
    check("w/o", &["w/o"]);
}

#[test]
fn urls_and_emails_are_one_token() {
    check(
        "see http://www.example.com/a-b?x=1, then",
        &["see", "http://www.example.com/a-b?x=1", ",", "then"],
    );
    check("(http://example.org/x)", &["(", "http://example.org/x", ")"]);
    check(
        "mail john.smith@example.com.",
        &["mail", "john.smith@example.com", "."],
    );
    check("www.cnn.com", &["www.cnn.com"]);
}

#[test]
fn emoticons_and_emoji() {
    check("great :)", &["great", ":)"]);
    check("ok :-(", &["ok", ":-("]);
    check("great👍", &["great", "👍"]);
    check("👍👍", &["👍", "👍"]);
    check("👩‍💻", &["👩‍💻"]);
    check("👍🏽", &["👍🏽"]);
}

#[test]
fn non_latin_scripts() {
    check("Москва.", &["Москва", "."]);
    check("東京都", &["東京都"]);
    check("नमस्ते दुनिया", &["नमस्ते", "दुनिया"]);
    // The Arabic comma is punctuation, split off like a comma.
    check("مرحبا، عالم", &["مرحبا", "،", "عالم"]);
    check("Ελλάδα, Köln", &["Ελλάδα", ",", "Köln"]);
}

#[test]
fn spans_are_offsets_into_the_whole_text() {
    let text = "Skip this. He didn't go.";
    let start = text.find("He").unwrap_or(0);
    let tokenised = tokenise(text, start..text.len());
    let forms: Vec<&str> = tokenised
        .tokens
        .iter()
        .map(|token| &text[token.span.clone()])
        .collect();
    assert_eq!(forms, ["He", "didn't", "go", "."]);
    let words: Vec<&str> = tokenised.words.iter().map(|word| &text[word.clone()]).collect();
    assert_eq!(words, ["He", "did", "n't", "go", "."]);
}

#[test]
fn runs_of_multibyte_punctuation_stay_on_char_boundaries() {
    // Found by the property test below: runs of "…" and "‽" once stepped by bytes.
    check("……", &["……"]);
    check("……word", &["……", "word"]);
    check("what‽‽", &["what", "‽‽"]);
}

#[test]
fn bad_spans_are_clamped_not_panics() {
    let text = "é ok";
    assert_eq!(tokenise(text, 1..100).tokens.len(), 2);
    assert!(tokenise(text, 50..60).tokens.is_empty());
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = 3..1;
    assert!(tokenise(text, backwards).tokens.is_empty());
    assert!(tokenise("", 0..0).tokens.is_empty());
}

#[test]
fn the_embedded_lexicon_loads_and_knows_ewt_abbreviations() {
    let learned = Lexicon::from_text(include_str!("../../weights/tokenise_lexicon.txt"));
    assert!(learned.is_ok(), "{learned:?}");
    let lexicon = Lexicon::embedded();
    assert!(lexicon.is_abbreviation("Dr."));
    assert!(lexicon.is_abbreviation("vs."));
    assert!(!lexicon.is_abbreviation("sun."));
    assert!(!lexicon.is_abbreviation("I."));
}

#[test]
fn the_lexicon_round_trips_through_text() {
    let mut lexicon = Lexicon::default();
    lexicon.abbreviations.insert("Dr.".into());
    lexicon.hyphen_prefixes.insert("non".into());
    lexicon.insert_contraction("gonna", [3, 0]);
    let text = lexicon.to_text();
    let read = Lexicon::from_text(&text).unwrap_or_default();
    assert_eq!(read.to_text(), text);
    assert!(Lexicon::from_text("contraction\tgonna\t99\t0").is_err());
    assert!(Lexicon::from_text("what\tis this").is_err());
}

#[test]
fn learning_finds_abbreviations_prefixes_and_contractions() {
    // Three copies of "Dr. Smith's e-mail gonna", as EWT writes them.
    let mut sentences = Vec::new();
    for _ in 0..3 {
        let mut sentence = conllu::Sentence::default();
        for (form, misc) in [
            ("Dr.", "_"),
            ("Smith", "SpaceAfter=No"),
            ("'s", "_"),
            ("e-mail", "_"),
            ("gon", "SpaceAfter=No"),
            ("na", "_"),
        ] {
            sentence.words.push(conllu::Word {
                form: form.into(),
                misc: misc.into(),
                ..conllu::Word::default()
            });
        }
        sentence.multiword_tokens.push(conllu::MultiwordToken {
            first: 2,
            last: 3,
            form: "Smith's".into(),
            misc: "_".into(),
        });
        sentence.multiword_tokens.push(conllu::MultiwordToken {
            first: 5,
            last: 6,
            form: "gonna".into(),
            misc: "_".into(),
        });
        sentences.push(sentence);
    }
    let lexicon = Lexicon::learn(&sentences);
    assert!(lexicon.abbreviations.contains("Dr."));
    assert!(lexicon.hyphen_prefixes.contains("e"));
    assert_eq!(lexicon.whole_contractions.get("gonna"), Some(&[3, 0]));
}

#[test]
fn news_sentences_split_at_their_ends() {
    let text = "The U.S. economy grew 3.5% in Jan. 2024, officials said. Mr. Smith disagreed.";
    assert_eq!(
        sentences_of(text),
        [
            "The U.S. economy grew 3.5% in Jan. 2024, officials said.",
            "Mr. Smith disagreed."
        ]
    );
}

#[test]
fn names_after_commas_and_titles_do_not_start_sentences() {
    let text = "\"We will win,\" said Gov. Jane Smith, a Democrat, on Tuesday. Officials in Washington and New York agreed.";
    assert_eq!(
        sentences_of(text),
        [
            "\"We will win,\" said Gov. Jane Smith, a Democrat, on Tuesday.",
            "Officials in Washington and New York agreed."
        ]
    );
    let text =
        "The report, written by Dr. Alan Jones of Acme Corp., was published on Dec. 3 by the U.N. in Geneva.";
    assert_eq!(sentences_of(text), [text]);
}

#[test]
fn a_question_inside_a_quote_followed_by_the_speaker_is_one_sentence() {
    let text = "\"Is it over?\" she asked. Nobody answered.";
    assert_eq!(
        sentences_of(text),
        ["\"Is it over?\" she asked.", "Nobody answered."]
    );
}

#[test]
fn quotes_end_with_their_sentence() {
    let text = "\"We won,\" he said. \"It was hard.\" She agreed.";
    assert_eq!(
        sentences_of(text),
        ["\"We won,\" he said.", "\"It was hard.\"", "She agreed."]
    );
}

#[test]
fn questions_and_exclamations_end_sentences() {
    let text = "Why did it fail? Nobody knows! Officials are looking into it.";
    assert_eq!(
        sentences_of(text),
        [
            "Why did it fail?",
            "Nobody knows!",
            "Officials are looking into it."
        ]
    );
}

#[test]
fn paragraphs_end_sentences() {
    let text = "Breaking News\n\nThe vote passed on Tuesday.";
    assert_eq!(
        sentences_of(text),
        ["Breaking News", "The vote passed on Tuesday."]
    );
}

#[test]
fn a_wrapped_line_is_no_sentence_break() {
    // Text wrapped at a fixed width (as the CoNLL 2018 raw texts and many
    // wire stories are) breaks lines inside sentences.
    let text = "The vote passed on Tuesday after a long\ndebate in the Senate.\n\nIt was close.";
    assert_eq!(
        sentences_of(text),
        [
            "The vote passed on Tuesday after a long\ndebate in the Senate.",
            "It was close."
        ]
    );
}

#[test]
fn sentence_spans_are_trimmed_and_empty_text_has_none() {
    assert!(split_sentences("").is_empty());
    assert!(split_sentences(" \n\t ").is_empty());
    assert_eq!(sentences_of("  It works.  "), ["It works."]);
}

#[test]
fn the_embedded_splitter_loads() {
    let bytes = include_bytes!("../../weights/sentences.bin");
    let splitter = SentenceSplitter::from_bytes(bytes);
    assert!(splitter.is_ok(), "{splitter:?}");
    assert!(SentenceSplitter::from_bytes(b"nonsense").is_err());
    if let Ok(splitter) = splitter {
        assert_eq!(splitter.to_bytes(), bytes.to_vec());
    }
}

/// Text made of the characters the tokeniser looks at, mixed with any char.
fn tricky_text() -> impl Strategy<Value = String> {
    let tricky: Vec<char> = " \n\t.,;:!?'\"`’‘“”()[]{}<>-–—/\\@#$%&*_~^|+=…0123456789aZéЖ東👍🏽\u{200D}\u{0301}\u{094D}\u{FE0F}s'nt"
        .chars()
        .collect();
    let one = prop_oneof![3 => proptest::sample::select(tricky), 1 => any::<char>()];
    proptest::collection::vec(one, 0..80).prop_map(|chars| chars.into_iter().collect())
}

/// The invariants every tokenisation of `text[span]` keeps.
fn check_invariants(text: &str, span: Range<usize>) {
    let tokenised = tokenise(text, span.clone());
    let span = clamp_span(text, span);
    let mut previous_end = span.start;
    let mut next_word = 0usize;
    for token in &tokenised.tokens {
        assert!(token.span.start >= previous_end, "tokens in order: {tokenised:?}");
        assert!(token.span.start < token.span.end, "no empty token");
        assert!(token.span.end <= span.end);
        assert!(text.is_char_boundary(token.span.start) && text.is_char_boundary(token.span.end));
        let form = &text[token.span.clone()];
        assert!(
            !form.chars().any(char::is_whitespace),
            "no whitespace in {form:?}"
        );
        // The words tile the token, in order.
        assert_eq!(token.words.start, next_word);
        assert!(token.words.end > token.words.start && token.words.end <= tokenised.words.len());
        let mut word_start = token.span.start;
        for word in &tokenised.words[token.words.clone()] {
            assert_eq!(word.start, word_start, "words tile {form:?}");
            assert!(word.end > word.start);
            assert!(text.is_char_boundary(word.end));
            word_start = word.end;
        }
        assert_eq!(word_start, token.span.end);
        next_word = token.words.end;
        previous_end = token.span.end;
    }
    assert_eq!(next_word, tokenised.words.len());
    // Only whitespace lies between the tokens.
    let covered: usize = tokenised.tokens.iter().map(|token| token.span.len()).sum();
    let non_whitespace: usize = text[span]
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(char::len_utf8)
        .sum();
    assert_eq!(covered, non_whitespace, "every non-space char is in a token");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_tokenises_within_the_rules(text in tricky_text(), start in 0usize..100, len in 0usize..100) {
        check_invariants(&text, 0..text.len());
        check_invariants(&text, start..start + len);
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in any::<String>()) {
        check_invariants(&text, 0..text.len());
        let _ = split_sentences(&text);
    }

    #[test]
    fn split_and_tokenise_matches_splitting_then_tokenising(text in tricky_text()) {
        let mut tokens = Tokenised::default();
        let mut sentences = Vec::new();
        split_and_tokenise(&text, &mut tokens, &mut sentences);
        let spans: Vec<Range<usize>> = sentences.iter().map(|sentence| sentence.span.clone()).collect();
        prop_assert_eq!(&spans, &split_sentences(&text));
        let mut next_token = 0usize;
        for sentence in &sentences {
            let alone = tokenise(&text, sentence.span.clone());
            prop_assert_eq!(sentence.tokens.start, next_token);
            let together: Vec<(Range<usize>, Vec<Range<usize>>)> = tokens.tokens[sentence.tokens.clone()]
                .iter()
                .map(|token| (token.span.clone(), tokens.words[token.words.clone()].to_vec()))
                .collect();
            let separately: Vec<(Range<usize>, Vec<Range<usize>>)> = alone
                .tokens
                .iter()
                .map(|token| (token.span.clone(), alone.words[token.words.clone()].to_vec()))
                .collect();
            prop_assert_eq!(together, separately);
            next_token = sentence.tokens.end;
        }
        prop_assert_eq!(next_token, tokens.tokens.len());
    }

    #[test]
    fn sentences_are_ordered_trimmed_and_cover_every_token(text in tricky_text()) {
        let sentences = split_sentences(&text);
        let mut previous_end = 0usize;
        for sentence in &sentences {
            prop_assert!(sentence.start >= previous_end && sentence.start < sentence.end);
            prop_assert!(text.is_char_boundary(sentence.start) && text.is_char_boundary(sentence.end));
            let inside = &text[sentence.clone()];
            prop_assert_eq!(inside.trim(), inside);
            check_invariants(&text, sentence.clone());
            previous_end = sentence.end;
        }
        // Every non-space char of the text lies in a sentence.
        let non_space = |part: &str| part.chars().filter(|c| !c.is_whitespace()).count();
        let in_sentences: usize = sentences.iter().map(|sentence| non_space(&text[sentence.clone()])).sum();
        prop_assert_eq!(in_sentences, non_space(&text));
    }
}

/// A treebank sentence with the comments and words the splitter trains on:
/// words apart at spaces, a final period a word of its own.
fn raw_sentence(text: &str, new_document: bool, new_paragraph: bool) -> conllu::Sentence {
    let mut sentence = conllu::Sentence::default();
    for piece in text.split(' ') {
        let (word, period) = match piece.strip_suffix('.') {
            Some(word) if !word.is_empty() && !word.ends_with("Mr") => (word, true),
            _ => (piece, false),
        };
        sentence.words.push(conllu::Word {
            form: word.to_string(),
            misc: if period {
                "SpaceAfter=No".to_string()
            } else {
                "_".to_string()
            },
            ..conllu::Word::default()
        });
        if period {
            sentence.words.push(conllu::Word {
                form: ".".to_string(),
                ..conllu::Word::default()
            });
        }
    }
    if new_document {
        sentence.comments.push("newdoc id = doc".into());
    }
    if new_paragraph {
        sentence.comments.push("newpar id = par".into());
    }
    sentence.comments.push(format!("text = {text}"));
    sentence
}

#[test]
fn training_texts_join_sentences_with_spaces_and_paragraphs_with_empty_lines() {
    let sentences = [
        raw_sentence("It rained.", true, true),
        raw_sentence("We left.", false, false),
        raw_sentence("Next day", false, true),
        raw_sentence("Another document.", true, true),
    ];
    let texts = crate::sentences::training_texts(&sentences);
    assert_eq!(texts.len(), 2);
    // As conllu_to_text.pl writes it: every token but a SpaceAfter=No one is
    // followed by a space, even at the end of a line.
    assert_eq!(texts[0].text, "It rained. We left. \n\nNext day \n");
    assert_eq!(texts[0].sentences, [0..10, 11..19, 22..30]);
    assert_eq!(texts[1].text, "Another document. \n");
    assert_eq!(texts[1].sentences, vec![0..17]);
}

#[test]
fn a_splitter_trained_on_a_tiny_treebank_learns_its_boundaries_deterministically() {
    let mut sentences = Vec::new();
    for idx in 0..30 {
        sentences.push(raw_sentence(
            "It rained in Paris, and Mr. Brown stayed in.",
            idx % 3 == 0,
            true,
        ));
        sentences.push(raw_sentence("We left.", false, false));
    }
    // Sixty sentences give small averaged weights: keep them all.
    let options = SplitterOptions {
        min_weight: 0.0,
        ..SplitterOptions::default()
    };
    let (lexicon, splitter) = train_tokeniser(&sentences, &options);
    let (_, again) = train_tokeniser(&sentences, &options);
    assert_eq!(splitter.to_bytes(), again.to_bytes(), "same seed, same weights");
    let lexicon = lexicon.with_hand_lists();
    let text = "It rained in Paris, and Mr. Brown stayed in. We left.";
    let mut tokens = Tokenised::default();
    let mut spans = Vec::new();
    split_sentences_with(&splitter, &lexicon, text, &mut tokens, &mut spans);
    let found: Vec<&str> = spans.iter().map(|span| &text[span.clone()]).collect();
    assert_eq!(
        found,
        ["It rained in Paris, and Mr. Brown stayed in.", "We left."]
    );
}

#[test]
fn long_adversarial_chunks_tokenise_in_linear_time() {
    // Each of these once made some scan start again from the token's start
    // at every step; at 40,000 pieces a quadratic scan would not finish.
    let n = 40_000;
    for piece in ["1-", "e-", "1a", "([", "a'", "..", "-1", "111-", "$1", "=-"] {
        let text = piece.repeat(n);
        let tokenised = tokenise(&text, 0..text.len());
        assert!(!tokenised.tokens.is_empty(), "{piece:?}");
        assert!(!split_sentences(&text).is_empty(), "{piece:?}");
    }
}
