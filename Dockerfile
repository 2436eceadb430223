# syntax=docker/dockerfile:1
# Palimpsest API image: build with the dev toolchain, run with production dependencies only.
# Node 24 is an LTS line with prebuilt binaries for every native module used here (better-sqlite3 12,
# sharp, @napi-rs/canvas, node-llama-cpp's CPU build of llama.cpp); build tools are still installed so npm
# can compile one if a prebuild is missing. Without BLOOM_ENDPOINT_URL the container runs BLOOM embedded and
# downloads the model into /data/models at its first start (keep /data on a volume).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Stands in for node-llama-cpp's CUDA and Vulkan builds (package.json "overrides"): the image runs BLOOM on the CPU.
COPY packaging ./packaging

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json vite.config.ts ./
COPY src ./src
COPY web ./web
RUN npm run build

FROM toolchain AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# Native tesseract 5 with the historical models the OCR stage picks by language and script
# (Fraktur, Middle French, Middle English, Latin, old Italian and Spanish); tesseract.js is the fallback.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-frk \
      tesseract-ocr-script-frak tesseract-ocr-frm tesseract-ocr-enm tesseract-ocr-lat \
      tesseract-ocr-ita-old tesseract-ocr-spa-old tesseract-ocr-grc \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/packaging ./packaging
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schemas ./schemas
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
