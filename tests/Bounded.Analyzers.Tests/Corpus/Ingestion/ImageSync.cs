// Syncs product images to a CDN. Parallel.ForEach with an async body looks limited but is not: each body returns at
// its first await, so every image uploads at once and a failed upload crashes the process.
using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Corpus.Ingestion.Images
{
    public sealed record ProductImage(string Sku, string LocalPath, Uri Destination);

    public interface ICdnClient
    {
        Task UploadAsync(Uri destination, Stream content, CancellationToken cancellationToken = default);

        Task PurgeAsync(string sku, CancellationToken cancellationToken = default);
    }

    public sealed class ImageSync
    {
        private readonly ICdnClient _cdn;
        private readonly ILogger<ImageSync> _logger;

        public ImageSync(ICdnClient cdn, ILogger<ImageSync> logger)
        {
            _cdn = cdn;
            _logger = logger;
        }

        public async Task SyncAsync(IReadOnlyList<ProductImage> images, CancellationToken cancellationToken)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
            Parallel.ForEach(images, options, async image => // expect BND4002
            {
                await using var file = File.OpenRead(image.LocalPath);
                await _cdn.UploadAsync(image.Destination, file, cancellationToken);
            });

            _logger.LogInformation("Synced {Count} images", images.Count);
            await _cdn.PurgeAsync("*", cancellationToken);
        }

        public void PurgeAll(IEnumerable<string> skus)
        {
            Parallel.ForEach(skus, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async sku => await _cdn.PurgeAsync(sku)); // expect BND4002
        }

        // Not reported: ForEachAsync awaits each body, so the limit of 8 holds.
        public async Task SyncBoundedAsync(IReadOnlyList<ProductImage> images, CancellationToken cancellationToken)
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(images, options, async (image, token) =>
            {
                await using var file = File.OpenRead(image.LocalPath);
                await _cdn.UploadAsync(image.Destination, file, token);
            });
        }

        // Not reported: a synchronous body, limited by the degree of parallelism.
        public void Verify(IEnumerable<ProductImage> images)
        {
            Parallel.ForEach(images, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, image =>
            {
                if (!File.Exists(image.LocalPath))
                {
                    _logger.LogWarning("Missing image for {Sku}", image.Sku);
                }
            });
        }
    }
}
