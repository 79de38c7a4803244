using Rnn.Core;

namespace Pipelines.Video.Prediction;

/// <summary>
/// Space-to-depth patching (the "patch" trick of Shi et al. 2015, who fold 64x64 frames into
/// 16x16 maps of 4x4 patches): each non-overlapping p x p block becomes p*p channels, cutting the
/// ConvLSTM's spatial work by p*p. Channel order: (c, dy, dx), so the inverse is exact.
/// Both directions run through autograd (reshape + permute).
/// </summary>
public static class SpaceToDepth
{
    /// <summary>[batch, channels, height, width] -> [batch, channels*p*p, height/p, width/p].</summary>
    public static Tensor Fold(Tensor x, int patch)
    {
        if (patch == 1)
        {
            return x;
        }

        int n = x.Dim(0), c = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        if (h % patch != 0 || w % patch != 0)
        {
            throw new ArgumentException($"a {h}x{w} frame does not split into {patch}x{patch} patches");
        }

        var blocks = Ops.Reshape(x, n, c, h / patch, patch, w / patch, patch);   // [n, c, h', dy, w', dx]
        var moved = Ops.Permute(blocks, 0, 1, 3, 5, 2, 4);                         // [n, c, dy, dx, h', w']
        return Ops.Reshape(moved, n, c * patch * patch, h / patch, w / patch);
    }

    /// <summary>The inverse of <see cref="Fold"/>: [batch, channels*p*p, h, w] -> [batch, channels, h*p, w*p].
    /// </summary>
    public static Tensor Unfold(Tensor x, int patch)
    {
        if (patch == 1)
        {
            return x;
        }

        int n = x.Dim(0), cp = x.Dim(1), h = x.Dim(2), w = x.Dim(3);
        int c = cp / (patch * patch);
        if (c * patch * patch != cp)
        {
            throw new ArgumentException($"{cp} channels do not unfold into {patch}x{patch} patches");
        }

        var blocks = Ops.Reshape(x, n, c, patch, patch, h, w);   // [n, c, dy, dx, h, w]
        var moved = Ops.Permute(blocks, 0, 1, 4, 2, 5, 3);       // [n, c, h, dy, w, dx]
        return Ops.Reshape(moved, n, c, h * patch, w * patch);
    }
}
