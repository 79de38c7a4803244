#!/usr/bin/env bash
# Rebuilds four-faces.mp4: four real Flickr8k photos of people (224x224, from ../shared/data/flickr8k),
# each shown for ~4.2 s with a slow zoom or pan, 480x360 at 15 fps, H.264. Needs Debian's ffmpeg
# (apt-get install ffmpeg); the product itself never calls ffmpeg.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
images="${1:-$here/../../../shared/data/flickr8k/images}"
cd "$images"
zoom_in="zoompan=z='1+0.0025*on':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=360x360:fps=15"
zoom_out="zoompan=z='1.2-0.0025*on':d=1:x='iw/2-(iw/zoom/2)+on':y='ih/2-(ih/zoom/2)':s=360x360:fps=15"
tilt="zoompan=z='1+0.002*on':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)-on':s=360x360:fps=15"
pan="zoompan=z='1.05':d=1:x='(iw-iw/zoom)*on/40':y='ih/2-(ih/zoom/2)':s=360x360:fps=15"
pad="pad=480:360:60:0"
ffmpeg -v error -y \
  -loop 1 -t 2.5 -i 544257613_d9a1fea3f7.jpg -loop 1 -t 2.5 -i 3412249548_00820fc4ca.jpg \
  -loop 1 -t 2.5 -i 516648762_0cff84ea97.jpg -loop 1 -t 2.5 -i 3721799573_2f470950e0.jpg \
  -filter_complex "[0]scale=720:720,$zoom_in,$pad[a];[1]scale=720:720,$zoom_out,$pad[b];\
[2]scale=720:720,$tilt,$pad[c];[3]scale=720:720,$pan,$pad[d];[a][b][c][d]concat=n=4:v=1,format=yuv420p[v]" \
  -map "[v]" -c:v libx264 -preset slow -crf 26 -movflags +faststart "$here/four-faces.mp4"
echo "wrote $here/four-faces.mp4"
