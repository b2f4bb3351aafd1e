# syntax=docker/dockerfile:1
# PazPaz production image: CSS built with Tailwind (node), app published with the .NET 10 SDK,
# run on the ASP.NET Core runtime as the image's non-root "app" user. See compose.yml for a full stack.

# --- 1. Stylesheet ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS css
WORKDIR /src
COPY package.json package-lock.json tailwind.config.js ./
RUN npm ci --no-audit --no-fund
# The whole app folder: Tailwind scans Pages/**/*.cshtml, Api/**/*.cs and wwwroot/js/**/*.js.
COPY PazPaz/ PazPaz/
RUN BROWSERSLIST_IGNORE_OLD_DATA=1 npx tailwindcss -c tailwind.config.js \
      -i PazPaz/Styles/app.css -o PazPaz/wwwroot/css/app.css --minify

# --- 2. Publish ------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
COPY Directory.Build.props ./
COPY PazPaz/PazPaz.csproj PazPaz/
RUN dotnet restore PazPaz/PazPaz.csproj
COPY PazPaz/ PazPaz/
COPY --from=css /src/PazPaz/wwwroot/css/app.css PazPaz/wwwroot/css/app.css
RUN dotnet publish PazPaz/PazPaz.csproj -c Release -o /app/publish --no-restore -p:UseAppHost=false

# --- 3. Runtime ------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
COPY --from=build /app/publish .
# APP_UID (1654, user "app") is defined by the official .NET 8+ images.
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "PazPaz.dll"]
