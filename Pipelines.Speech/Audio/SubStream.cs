namespace Pipelines.Speech.Audio;

/// <summary>
/// A read-only, seekable window [offset, offset + length) over another stream, so a decoder
/// sees only the bytes we decided are audio (the recovered data region, or the MPEG frames
/// after an ID3v2 tag). It does not own the underlying stream.
/// </summary>
internal sealed class SubStream : Stream
{
    private readonly Stream inner;
    private readonly long offset;
    private long position;

    public SubStream(Stream inner, long offset, long length)
    {
        this.inner = inner;
        this.offset = offset;
        Length = length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length { get; }

    public override long Position
    {
        get => position;
        set => position = Math.Clamp(value, 0, Length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int want = (int)Math.Min(buffer.Length, Length - position);
        if (want <= 0) return 0;
        inner.Position = offset + position;
        int got = inner.Read(buffer[..want]);
        position += got;
        return got;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => Length + offset,
        };
        return position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
