# One image for every edx process; the command picks the app (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /edx
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
ENV EDX_HOST=0.0.0.0
ENTRYPOINT ["node"]
