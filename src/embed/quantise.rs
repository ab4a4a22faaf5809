//! The embedder's weights file: MiniLM's fp32 safetensors → int8 rows with
//! one symmetric scale per output row (`claimdb train embedder`), and back
//! to fp32 tensors at load.
//!
//! Every matrix `W[rows, cols]` is stored as `name` (I8, the same shape) and
//! `name.scale` (F32, `[rows]`): row `r` is `q[r, c] · scale[r]`, with
//! `scale[r] = max_c |W[r, c]| / 127`. Vectors (biases, layer norms) stay
//! F32. What the sentence embedding never reads (the pooler, the position
//! id buffer) is left out.

use std::collections::{BTreeMap, HashMap};

use candle_core::{Device, Tensor};
use safetensors::{Dtype, SafeTensors, tensor::TensorView};

use super::EmbedError;

/// The suffix of a quantised matrix's row scales.
const SCALE_SUFFIX: &str = ".scale";

/// Tensors of the checkpoint the sentence embedding does not use.
fn is_unused(name: &str) -> bool {
    name.starts_with("pooler.") || name.ends_with("position_ids")
}

/// One row quantised: the int8 values and the scale that gives them back.
pub fn quantise_row(row: &[f32]) -> (Vec<i8>, f32) {
    let max = row.iter().fold(0.0f32, |max, x| max.max(x.abs()));
    if max == 0.0 {
        return (vec![0; row.len()], 0.0);
    }
    let scale = max / 127.0;
    let values = row
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (values, scale)
}

fn f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn weights_error(what: impl std::fmt::Display) -> EmbedError {
    EmbedError::Weights(what.to_string())
}

/// The fp32 checkpoint (`model.safetensors`) → the int8 weights file.
/// Deterministic: the same checkpoint gives the same bytes (tensors are
/// written in name order, with no metadata).
pub fn quantise_checkpoint(checkpoint: &[u8]) -> Result<Vec<u8>, EmbedError> {
    let tensors = SafeTensors::deserialize(checkpoint).map_err(weights_error)?;
    let mut out: BTreeMap<String, (Dtype, Vec<usize>, Vec<u8>)> = BTreeMap::new();
    for (name, view) in tensors.tensors() {
        if is_unused(&name) {
            continue;
        }
        if view.dtype() != Dtype::F32 {
            return Err(weights_error(format!(
                "{name}: expected F32, found {:?}",
                view.dtype()
            )));
        }
        let shape = view.shape().to_vec();
        let values = f32s(view.data());
        match shape[..] {
            [rows, cols] => {
                let mut quantised = Vec::with_capacity(rows * cols);
                let mut scales = Vec::with_capacity(rows);
                for row in values.chunks_exact(cols) {
                    let (q, scale) = quantise_row(row);
                    quantised.extend(q.into_iter().map(|v| v as u8));
                    scales.push(scale);
                }
                out.insert(name.clone(), (Dtype::I8, shape, quantised));
                out.insert(
                    format!("{name}{SCALE_SUFFIX}"),
                    (Dtype::F32, vec![rows], f32_bytes(&scales)),
                );
            }
            _ => {
                out.insert(name.clone(), (Dtype::F32, shape, f32_bytes(&values)));
            }
        }
    }
    let views: Vec<(String, TensorView<'_>)> = out
        .iter()
        .map(|(name, (dtype, shape, data))| {
            TensorView::new(*dtype, shape.clone(), data)
                .map(|view| (name.clone(), view))
                .map_err(weights_error)
        })
        .collect::<Result<_, _>>()?;
    safetensors::serialize(views, None).map_err(weights_error)
}

/// The int8 weights file → fp32 tensors by name, ready for a `VarBuilder`.
pub fn dequantise(weights: &[u8]) -> Result<HashMap<String, Tensor>, EmbedError> {
    let tensors = SafeTensors::deserialize(weights).map_err(weights_error)?;
    let mut out = HashMap::new();
    for (name, view) in tensors.tensors() {
        if name.ends_with(SCALE_SUFFIX) {
            continue;
        }
        let shape = view.shape().to_vec();
        let values = match view.dtype() {
            Dtype::F32 => f32s(view.data()),
            Dtype::I8 => {
                let scales = tensors
                    .tensor(&format!("{name}{SCALE_SUFFIX}"))
                    .map_err(|_| weights_error(format!("{name}: no row scales")))?;
                let scales = f32s(scales.data());
                let cols = shape.get(1).copied().unwrap_or(0).max(1);
                if shape.len() != 2 || scales.len() != shape[0] {
                    return Err(weights_error(format!("{name}: scales do not match the rows")));
                }
                view.data()
                    .chunks_exact(cols)
                    .zip(&scales)
                    .flat_map(|(row, scale)| row.iter().map(move |&q| f32::from(q as i8) * scale))
                    .collect()
            }
            other => return Err(weights_error(format!("{name}: unexpected {other:?}"))),
        };
        let tensor = Tensor::from_vec(values, shape, &Device::Cpu)?;
        out.insert(name, tensor);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_comes_back_within_half_a_step() {
        let row = [0.5f32, -1.27, 0.0, 0.001, 1.0];
        let (q, scale) = quantise_row(&row);
        assert_eq!(q[1], -127);
        for (x, q) in row.iter().zip(&q) {
            assert!((x - f32::from(*q) * scale).abs() <= scale / 2.0 + 1e-7);
        }
        assert_eq!(quantise_row(&[0.0, 0.0]), (vec![0, 0], 0.0));
    }

    #[test]
    fn a_checkpoint_round_trips_through_the_int8_file() {
        let matrix: Vec<f32> = (0..12).map(|i| (i as f32 - 5.5) / 10.0).collect();
        let bias = [0.25f32, -0.5, 1.0];
        let ids = [0u8; 16];
        let matrix_bytes = f32_bytes(&matrix);
        let bias_bytes = f32_bytes(&bias);
        let views = vec![
            (
                "layer.weight",
                TensorView::new(Dtype::F32, vec![3, 4], &matrix_bytes).unwrap(),
            ),
            (
                "layer.bias",
                TensorView::new(Dtype::F32, vec![3], &bias_bytes).unwrap(),
            ),
            (
                "pooler.dense.bias",
                TensorView::new(Dtype::F32, vec![3], &bias_bytes).unwrap(),
            ),
            (
                "embeddings.position_ids",
                TensorView::new(Dtype::I64, vec![1, 2], &ids).unwrap(),
            ),
        ];
        let checkpoint = safetensors::serialize(views, None).unwrap();
        let file = quantise_checkpoint(&checkpoint).unwrap();
        assert_eq!(file, quantise_checkpoint(&checkpoint).unwrap(), "deterministic");
        let tensors = dequantise(&file).unwrap();
        let mut names: Vec<&String> = tensors.keys().collect();
        names.sort();
        assert_eq!(names, ["layer.bias", "layer.weight"]);
        let weight: Vec<Vec<f32>> = tensors["layer.weight"].to_vec2().unwrap();
        for (row, original) in weight.iter().zip(matrix.chunks(4)) {
            let step = original.iter().fold(0.0f32, |m, x| m.max(x.abs())) / 127.0;
            for (x, y) in row.iter().zip(original) {
                assert!((x - y).abs() <= step / 2.0 + 1e-6, "{x} vs {y}");
            }
        }
        assert_eq!(tensors["layer.bias"].to_vec1::<f32>().unwrap(), bias);
    }
}
