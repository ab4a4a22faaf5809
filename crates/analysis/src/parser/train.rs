//! Training the parser: the averaged perceptron, taught by the dynamic oracle
//! one decision at a time, on the gold path in the first epoch and then mostly
//! on the path of its own predictions (Goldberg and Nivre 2012), so that it
//! learns to recover from its own mistakes.

use super::features::{LABEL_FEATURES, N_FEATURES, SentenceHashes, extract, label_features};
use super::oracle::Gold;
use super::transition::{Move, State, decode, encode};
use super::{Parser, ParserOptions, ROOT_LABEL, class_move};
use crate::conllu::Sentence;
use crate::perceptron::{Rng, Trainer, argmax};

/// One training sentence, prepared once: its forms, the tags to train with,
/// and its projectivised gold tree.
struct Example {
    forms: Vec<String>,
    upos: Vec<String>,
    xpos: Vec<String>,
    gold: Gold,
}

/// What is told of each finished epoch: its number and the model so far.
pub(crate) type EpochObserver<'a> = dyn FnMut(usize, &Parser) + 'a;

/// See [`Parser::train_observed`].
pub(crate) fn train(
    sentences: &[Sentence],
    tags: &[Vec<(String, String)>],
    options: &ParserOptions,
    mut on_epoch: Option<&mut EpochObserver<'_>>,
) -> Parser {
    let mut labels: Vec<String> = sentences
        .iter()
        .flat_map(|sentence| sentence.words.iter().map(|word| word.deprel.clone()))
        .filter(|label| !label.is_empty() && label != "_")
        .collect();
    labels.push(ROOT_LABEL.to_string());
    labels.sort_unstable();
    labels.dedup();
    let label_index = |label: &str| labels.binary_search_by(|known| known.as_str().cmp(label)).ok();
    let root_label = label_index(ROOT_LABEL).unwrap_or(0);
    let n_labels = labels.len();

    let mut examples = Vec::with_capacity(sentences.len());
    for (sentence_idx, sentence) in sentences.iter().enumerate() {
        let heads: Vec<u32> = sentence.words.iter().map(|word| word.head).collect();
        let Some(word_labels) = sentence
            .words
            .iter()
            .map(|word| label_index(&word.deprel).map(|label| label as u16))
            .collect::<Option<Vec<u16>>>()
        else {
            continue;
        };
        let Some(gold) = Gold::new(&heads, &word_labels) else {
            continue;
        };
        let predicted = tags
            .get(sentence_idx)
            .filter(|tags| tags.len() == sentence.words.len());
        let (upos, xpos) = match predicted {
            Some(tags) => tags.iter().cloned().unzip(),
            None => sentence
                .words
                .iter()
                .map(|word| (word.upos.clone(), word.xpos.clone()))
                .unzip(),
        };
        examples.push(Example {
            forms: sentence.words.iter().map(|word| word.form.clone()).collect(),
            upos,
            xpos,
            gold,
        });
    }

    let n_classes = 1 + 2 * n_labels;
    let mut moves = Trainer::new(3);
    let mut labelled = Trainer::new(n_classes);
    let mut fine_features = [0u64; LABEL_FEATURES.len()];
    let mut move_scores = [0f32; 3];
    let mut rng = Rng::new(options.seed);
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut state = State::default();
    let mut hashes = SentenceHashes::default();
    let mut features = [0u64; N_FEATURES];
    let mut scores = Vec::with_capacity(n_classes);
    let mut costs = vec![0u32; n_classes];
    let mut legal = vec![false; n_classes];
    for epoch in 0..options.epochs {
        rng.shuffle(&mut order);
        let explore = epoch >= options.explore_from_epoch;
        for &example_idx in &order {
            let example = &examples[example_idx];
            let forms: Vec<&str> = example.forms.iter().map(String::as_str).collect();
            let upos: Vec<&str> = example.upos.iter().map(String::as_str).collect();
            let xpos: Vec<&str> = example.xpos.iter().map(String::as_str).collect();
            hashes.fill(&forms, &upos, &xpos);
            state.reset(forms.len());
            while !state.is_terminal() {
                extract(&state, &hashes, &mut features);
                let unlabelled = [Move::Shift, Move::Left, Move::Right].map(|movement| {
                    state
                        .allows(movement)
                        .then(|| example.gold.cost(&state, movement))
                });
                let mut min_cost = u32::MAX;
                for class in 0..n_classes {
                    let (movement, label) = decode(class, n_labels);
                    let allowed = state.allows_labelled(movement, label, root_label);
                    legal[class] = allowed;
                    if let (true, Some(cost)) = (allowed, unlabelled[movement as usize]) {
                        costs[class] = example.gold.labelled_cost(&state, movement, label, cost);
                        min_cost = min_cost.min(costs[class]);
                    }
                }
                label_features(&features, &mut fine_features);
                move_scores.fill(0.0);
                moves.score(&features, &mut move_scores);
                scores.clear();
                scores.resize(n_classes, 0.0);
                labelled.score(&fine_features, &mut scores);
                for (class, score) in scores.iter_mut().enumerate() {
                    *score += move_scores[class_move(class, n_labels)];
                }
                let Some(guess) = argmax(&scores, |class| legal[class]) else {
                    break;
                };
                let Some(truth) = argmax(&scores, |class| legal[class] && costs[class] == min_cost) else {
                    break;
                };
                moves.update(
                    &features,
                    class_move(truth, n_labels),
                    class_move(guess, n_labels),
                );
                labelled.update(&fine_features, truth, guess);
                let follow_guess = explore
                    && costs[guess] > min_cost
                    && ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < options.explore_probability;
                let chosen = if follow_guess || costs[guess] == min_cost {
                    guess
                } else {
                    truth
                };
                let (movement, label) = decode(chosen, n_labels);
                state.apply(movement, label);
            }
        }
        if let Some(observe) = on_epoch.as_mut().filter(|_| epoch + 1 < options.epochs) {
            observe(
                epoch + 1,
                &freeze(&moves, &labelled, &labels, root_label, options.min_weight),
            );
        }
    }
    let parser = freeze(&moves, &labelled, &labels, root_label, options.min_weight);
    if let Some(observe) = on_epoch.as_mut() {
        observe(options.epochs, &parser);
    }
    debug_assert_eq!(encode(Move::Shift, 0, n_labels), 0);
    parser
}

fn freeze(
    moves: &Trainer,
    labelled: &Trainer,
    labels: &[String],
    root_label: usize,
    min_weight: f32,
) -> Parser {
    Parser::from_parts(
        labels.to_vec(),
        root_label,
        // Pruning the frozen weights (rather than freezing with a threshold)
        // makes a model trained unpruned and pruned later the same bytes.
        moves.freeze(0.0).pruned(min_weight),
        labelled.freeze(0.0).pruned(min_weight),
    )
}
